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
 * and two slots, each with pinned and device staging for the input, device and pinned memory for the output, and four
 * events. Chunk k of a call runs in slot k % 2:
 * <ul>
 * <li>its upload (copy stream) waits until the compute stream has brought in the input slot k - 2 staged;</li>
 * <li>its compute (compute stream) waits for its upload, brings the staged input into the network's input buffer,
 *     runs the steps, waits for slot k - 2's download and writes its output into the slot;</li>
 * <li>its download (copy stream) waits for its compute.</li>
 * </ul>
 * The copy stream gets chunk k+1's upload before chunk k's download, so chunk k+1 uploads while chunk k computes and
 * chunk k-1 downloads; the host stages one slot and collects the other while the device works. A call's chunks are
 * all collected before it returns.
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
        final cudaEvent_t consumed = event();
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
     * chunk of that size), and writes each sample's float32 outputs to {@code out}.
     */
    void run(int n, Staging staging, Input input, IntConsumer compute, float[] out) {
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
        // The pinned input was last read by this slot's previous upload.
        sync(s.uploaded, "the previous upload from slot " + i);
        input.stage(staging.host[i], k * maxBatch, count(k, n));
        waitOn(copy, s.consumed, "the copy stream");
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
        record(s.consumed, ctx.stream);
        compute.accept(count);
        // The slot's output memory was last read by its previous download.
        waitOn(ctx.stream, s.downloaded, "the compute stream");
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
