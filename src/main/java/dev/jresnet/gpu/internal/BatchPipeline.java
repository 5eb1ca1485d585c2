package dev.jresnet.gpu.internal;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Copies batches in and out while the network computes. Beside the network's compute stream there is a copy stream,
 * and two slots, each with pinned and device staging for the input, device and pinned memory for the output, and
 * events. Chunk k of a call runs in slot k % 2: its upload (copy stream) is followed by its compute (compute stream:
 * bring the staged input into the network's input buffer, run the steps, write the output into the slot), which waits
 * for the upload, and then its download (copy stream), which waits for the compute; the host collects the output once
 * the download is done. The copy stream gets chunk k+1's upload before chunk k's download, so chunk k+1 uploads while
 * chunk k computes and chunk k-1 downloads, and the host stages one slot and collects the other meanwhile.
 *
 * <p>That order also keeps the slots' device memory from being reused too early, with no waits of its own: chunk
 * k+1's upload (into the device staging chunk k-1 read) comes after chunk k-1's download on the copy stream, which
 * waited for chunk k-1's compute; chunk k (writing the output memory chunk k-2's download read) is queued after the host
 * collected chunk k-2. The pinned input staging needs the host to wait for the slot's previous upload before filling
 * it again. The simulated GPU checks all of these (its race detection, which counts the host's views of page-locked
 * memory as its accesses).
 */
final class BatchPipeline {
    /** One kind of input (float32 tensors, 8-bit images): how a chunk is staged, and brought into the network. */
    interface Input {
        /** Writes samples [from, from + count) into pinned memory. */
        void stage(PinnedBuffer pinned, int from, int count);

        /** On the compute stream: from the device staging into the network's input buffer, converted as it needs. */
        void bringIn(Pointer staged, int count);
    }

    /** On the compute stream: the network's output buffer into a slot's float32 output. */
    interface BringOut {
        void into(Pointer deviceOut, int count);
    }

    /** Where one kind of input is staged: pinned and device memory for each slot. */
    static final class Staging {
        private final long bytesPerSample;
        private final PinnedBuffer[] host = new PinnedBuffer[2];
        private final DeviceBuffer[] device = new DeviceBuffer[2];

        private Staging(long bytesPerSample) {
            this.bytesPerSample = bytesPerSample;
        }
    }

    /** One of the two slots: its output memory and its events. */
    private final class Slot {
        final DeviceBuffer deviceOut;
        final PinnedBuffer hostOut;
        final cudaEvent_t uploaded = event();
        final cudaEvent_t computed = event();
        final cudaEvent_t downloaded = event();

        Slot(int index) {
            deviceOut = ctx.allocate(outBytesPerSample * maxBatch, "output of pipeline slot " + index, resources);
            hostOut = resources.add(new PinnedBuffer(ctx.cuda, outBytesPerSample * maxBatch, "output of pipeline slot " + index));
        }
    }

    private final GpuContext ctx;
    private final Resources resources;
    private final int maxBatch;
    private final long outBytesPerSample;
    private final BringOut bringOut;
    private final cudaStream_t copy = new cudaStream_t();
    private final Slot[] slots;
    private final Map<String, Staging> stagings = new LinkedHashMap<>();

    /** @param outputsPerSample float32 values each sample's output has */
    BatchPipeline(GpuContext ctx, Resources resources, int maxBatch, long outputsPerSample, BringOut bringOut) {
        this.ctx = ctx;
        this.resources = resources;
        this.maxBatch = maxBatch;
        this.outBytesPerSample = 4 * outputsPerSample;
        this.bringOut = bringOut;
        Cuda.runtime(ctx.cuda.cudaStreamCreateWithFlags(copy, JCuda.cudaStreamNonBlocking), "cudaStreamCreateWithFlags",
                () -> "the copy stream");
        resources.onClose(() -> Cuda.runtime(ctx.cuda.cudaStreamDestroy(copy), "cudaStreamDestroy", () -> "the copy stream"));
        slots = new Slot[]{new Slot(0), new Slot(1)};
    }

    /** Device bytes per sample of max batch the pipeline takes for an input of {@code inputBytes} per sample. */
    static long deviceBytesPerSample(long inputBytes, long outputsPerSample) {
        return 2 * (inputBytes + 4 * outputsPerSample);
    }

    private cudaEvent_t event() {
        cudaEvent_t e = new cudaEvent_t();
        Cuda.runtime(ctx.cuda.cudaEventCreateWithFlags(e, JCuda.cudaEventDisableTiming), "cudaEventCreateWithFlags");
        resources.onClose(() -> Cuda.runtime(ctx.cuda.cudaEventDestroy(e), "cudaEventDestroy"));
        return e;
    }

    /** The staging of one kind of input, allocated the first time it is asked for. */
    Staging staging(String what, long bytesPerSample) {
        Staging s = stagings.get(what);
        if (s == null) {
            s = new Staging(bytesPerSample);
            for (int i = 0; i < 2; i++) {
                s.host[i] = resources.add(new PinnedBuffer(ctx.cuda, bytesPerSample * maxBatch, what + ", slot " + i));
                s.device[i] = ctx.allocate(bytesPerSample * maxBatch, what + " on the device, slot " + i, resources);
            }
            stagings.put(what, s);
        }
        return s;
    }

    /**
     * Runs n samples in chunks of at most the max batch, each through {@code compute} (the network's steps for a
     * chunk of that size), and writes each sample's float32 outputs to {@code out}. When a call fails, both streams
     * are waited for before the exception goes on: what the failed call queued may still read the staging and write
     * the network's buffers, and the next call's copies must not overlap it.
     */
    void run(int n, Staging staging, Input input, IntConsumer compute, float[] out) {
        try {
            overlapped(n, staging, input, compute, out);
        } catch (RuntimeException e) {
            try {
                Cuda.runtime(ctx.cuda.cudaStreamSynchronize(ctx.stream), "cudaStreamSynchronize", () -> "after a failed batch");
                Cuda.runtime(ctx.cuda.cudaStreamSynchronize(copy), "cudaStreamSynchronize", () -> "the copy stream, after a failed batch");
            } catch (RuntimeException settling) {
                e.addSuppressed(settling);
            }
            throw e;
        }
    }

    private void overlapped(int n, Staging staging, Input input, IntConsumer compute, float[] out) {
        int chunks = (n + maxBatch - 1) / maxBatch;
        upload(0, n, staging, input);
        for (int k = 0; k < chunks; k++) {
            compute(k, n, staging, input, compute);
            if (k + 1 < chunks) {
                upload(k + 1, n, staging, input);
            }
            download(k, n);
            if (k > 0) {
                collect(k - 1, n, out);
            }
        }
        collect(chunks - 1, n, out);
    }

    /** Samples in chunk k of n. */
    private int count(int k, int n) {
        return Math.min(maxBatch, n - k * maxBatch);
    }

    private void upload(int k, int n, Staging staging, Input input) {
        int i = k % 2;
        Slot s = slots[i];
        // The pinned staging was last read by this slot's previous upload, which nothing else has waited for when
        // the slot is reused within a call.
        sync(s.uploaded, "the previous upload from slot " + i);
        input.stage(staging.host[i], k * maxBatch, count(k, n));
        long bytes = staging.bytesPerSample * count(k, n);
        Cuda.runtime(ctx.cuda.cudaMemcpyAsync(staging.device[i].pointer(), staging.host[i].pointer(), bytes,
                cudaMemcpyKind.cudaMemcpyHostToDevice, copy), "cudaMemcpyAsync", () -> "upload of " + bytes + " bytes, slot " + i);
        record(s.uploaded, copy);
    }

    private void compute(int k, int n, Staging staging, Input input, IntConsumer compute) {
        int i = k % 2;
        Slot s = slots[i];
        int count = count(k, n);
        waitOn(ctx.stream, s.uploaded, "the compute stream");
        input.bringIn(staging.device[i].pointer(), count);
        compute.accept(count);
        bringOut.into(s.deviceOut.pointer(), count);
        record(s.computed, ctx.stream);
    }

    private void download(int k, int n) {
        int i = k % 2;
        Slot s = slots[i];
        waitOn(copy, s.computed, "the copy stream");
        long bytes = outBytesPerSample * count(k, n);
        Cuda.runtime(ctx.cuda.cudaMemcpyAsync(s.hostOut.pointer(), s.deviceOut.pointer(), bytes,
                cudaMemcpyKind.cudaMemcpyDeviceToHost, copy), "cudaMemcpyAsync", () -> "download of " + bytes + " bytes, slot " + i);
        record(s.downloaded, copy);
    }

    private void collect(int k, int n, float[] out) {
        Slot s = slots[k % 2];
        sync(s.downloaded, "the download of chunk " + k);
        int perSample = (int) (outBytesPerSample / 4);
        s.hostOut.floats().get(out, k * maxBatch * perSample, count(k, n) * perSample);
    }

    private void record(cudaEvent_t e, cudaStream_t stream) {
        Cuda.runtime(ctx.cuda.cudaEventRecord(e, stream), "cudaEventRecord");
    }

    private void waitOn(cudaStream_t stream, cudaEvent_t e, String who) {
        Cuda.runtime(ctx.cuda.cudaStreamWaitEvent(stream, e, 0), "cudaStreamWaitEvent", () -> who);
    }

    private void sync(cudaEvent_t e, String what) {
        Cuda.runtime(ctx.cuda.cudaEventSynchronize(e), "cudaEventSynchronize", () -> what);
    }
}
