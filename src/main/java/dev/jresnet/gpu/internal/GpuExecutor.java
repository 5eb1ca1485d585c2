package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.gpu.GpuInfo;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.Plan;
import dev.jresnet.plan.PlanExecutor;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.Tensor;
import jcuda.driver.CUstream;
import jcuda.runtime.cudaMemcpyKind;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan on the GPU. Everything is sized once, for the largest batch: one device buffer per plan buffer, the
 * weights, one cuDNN workspace (what the chosen algorithms need, at most {@link DeviceFootprint#WORKSPACE_LIMIT}),
 * and pinned host staging for input and output; batches are copied in and out asynchronously on the network's one
 * stream. Larger batches run in chunks. Calls are serialized (one batch at a time per executor); any thread may call.
 */
public final class GpuExecutor implements PlanExecutor {
    private final Plan plan;
    private final int maxBatch;
    private final Resources resources = new Resources();
    private final GpuContext ctx;
    private final DeviceBuffer[] buffers;
    private final PinnedBuffer input;
    private final PinnedBuffer output;
    private final List<GpuStep> steps = new ArrayList<>();
    private final List<Integer> prepared = new ArrayList<>();
    private final Workspace workspace;
    private final ForwardGraphs<?> graphs;
    private PinnedBuffer rgbStaging;
    private DeviceBuffer rgbDevice;
    private boolean closed;

    /**
     * @throws IllegalArgumentException when maxBatch makes a tensor larger than cuDNN takes
     * @throws dev.jresnet.gpu.DeviceMemoryException when maxBatch does not fit; nothing stays allocated then
     */
    public GpuExecutor(CudaApi cuda, Plan plan, GpuInfo gpu, int maxBatch, AlgorithmCache algorithms, boolean cudaGraphs) {
        if (plan.options().precision() != Precision.FP32) {
            throw new IllegalArgumentException("the GPU path runs fp32 only so far; " + plan.options().precision().label()
                    + " (tensor cores) is not built yet");
        }
        this.plan = plan;
        this.maxBatch = maxBatch;
        DeviceFootprint footprint = DeviceFootprint.of(plan);
        try {
            // Memory first: its refusal suggests a batch within both limits; then cuDNN's limit, which memory alone
            // may not reveal on a large GPU.
            Cuda.runtime(cuda.cudaSetDevice(gpu.device()), "cudaSetDevice", () -> "device " + gpu.device());
            footprint.checkFits(plan.model(), maxBatch, gpu, freeMemory(cuda));
            footprint.checkTensorLimit(plan.model(), plan.inputShape().toString(), maxBatch);
            ctx = new GpuContext(cuda, gpu, resources, algorithms);
            int[] elements = plan.bufferElements();
            buffers = new DeviceBuffer[elements.length];
            for (int b = 0; b < elements.length; b++) {
                buffers[b] = ctx.allocate(4L * elements[b] * maxBatch,
                        "activation buffer " + b + " of " + plan.model() + " (max batch " + maxBatch + ")", resources);
            }
            input = resources.add(new PinnedBuffer(cuda, plan.inputShape().elements() * maxBatch, "input staging"));
            output = resources.add(new PinnedBuffer(cuda, plan.outputShape().elements() * maxBatch, "output staging"));
            Descriptors descriptors = new Descriptors(ctx.cuda, resources);
            for (PlanOp op : plan.ops()) {
                steps.add(GpuSteps.of(op, ctx, descriptors, resources, buffers));
            }
            // The search gets what memory is left, up to the limit, less the libraries' reserve; the workspace then
            // shrinks to what the chosen algorithms need.
            long room = freeMemory(cuda) - DeviceFootprint.LIBRARY_RESERVE;
            workspace = resources.add(new Workspace(ctx, Math.max(0, Math.min(DeviceFootprint.WORKSPACE_LIMIT, room))));
            workspace.resize(prepare(maxBatch));
            graphs = cudaGraphs ? resources.add(new ForwardGraphs<>(new StreamCapture(cuda, new CUstream(ctx.stream)))) : null;
            // Weights went up with synchronous copies, which may still be in flight on the legacy default stream;
            // the network's stream does not wait for that stream, so wait here, once.
            ctx.awaitLegacyStream("uploading the weights of " + plan.model());
            ctx.synchronize("setting up " + plan.model());
        } catch (RuntimeException e) {
            try {
                resources.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static long freeMemory(CudaApi cuda) {
        long[] free = {0};
        long[] total = {0};
        Cuda.runtime(cuda.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return free[0];
    }

    @Override
    public Plan plan() {
        return plan;
    }

    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public synchronized Tensor run(Tensor batch) {
        if (closed) {
            throw new IllegalStateException("the GPU network for " + plan.model() + " is closed");
        }
        int n = PlanExecutor.checkBatch(plan, batch);
        int inPerSample = (int) plan.inputShape().elements();
        return runChunks(n, (from, chunk) -> {
            input.floats().put(batch.data(), from * inPerSample, chunk * inPerSample);
            Cuda.runtime(ctx.cuda.cudaMemcpyAsync(buffers[plan.inputBuffer()].pointer(), input.pointer(), 4L * chunk * inPerSample,
                    cudaMemcpyKind.cudaMemcpyHostToDevice, ctx.stream), "cudaMemcpyAsync", () -> "input upload");
        });
    }

    /**
     * 8-bit RGB images, interleaved (N, H, W, 3), uploaded as bytes (a quarter of float32's) and normalized on the
     * device into the (N, 3, H, W) input: out = (v / 255 - mean[c]) / std[c].
     */
    public synchronized Tensor runImages(byte[] rgb, int n, float[] mean, float[] std) {
        if (closed) {
            throw new IllegalStateException("the GPU network for " + plan.model() + " is closed");
        }
        Shape s = plan.inputShape();
        if (s.channels() != 3 || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException(plan.model() + " takes " + s.channels() + " channels; 8-bit image input is RGB"
                    + " with 3 means and 3 standard deviations (got " + mean.length + " and " + std.length + ")");
        }
        long perImage = 3L * s.height() * s.width();
        if (n < 1 || rgb.length != n * perImage) {
            throw new IllegalArgumentException(n + " RGB images of " + s.height() + "x" + s.width() + " need " + n * perImage
                    + " bytes, got " + rgb.length);
        }
        if (rgbStaging == null) {
            // Made on first use, owned by the network's resources like every other allocation.
            rgbStaging = resources.add(new PinnedBuffer(ctx.cuda, (perImage * maxBatch + 3) / 4, "8-bit image staging"));
            rgbDevice = ctx.allocate(perImage * maxBatch, "8-bit images on the device", resources);
            ctx.kernels.load(Kernels.NORMALIZE_U8);
        }
        return runChunks(n, (from, chunk) -> {
            rgbStaging.bytes().put(rgb, (int) (from * perImage), (int) (chunk * perImage));
            Cuda.runtime(ctx.cuda.cudaMemcpyAsync(rgbDevice.pointer(), rgbStaging.pointer(), chunk * perImage,
                    cudaMemcpyKind.cudaMemcpyHostToDevice, ctx.stream), "cudaMemcpyAsync", () -> "8-bit image upload");
            ctx.kernels.normalizeU8(rgbDevice.pointer(), buffers[plan.inputBuffer()].pointer(), chunk, s.height(), s.width(),
                    mean, std);
        });
    }

    /** How one chunk's input reaches the device input buffer: (first sample, samples). */
    private interface Upload {
        void chunk(int from, int count);
    }

    /** Runs n samples in chunks of at most maxBatch: upload, every step, download; one synchronization per chunk. */
    private Tensor runChunks(int n, Upload upload) {
        ctx.bindDevice();
        int outPerSample = (int) plan.outputShape().elements();
        Tensor result = Tensor.zeros(PlanExecutor.outputShape(plan, n));
        for (int from = 0; from < n; from += maxBatch) {
            int chunk = Math.min(maxBatch, n - from);
            // Before the upload: the algorithm search writes activation buffers, the input's among them perhaps, and
            // synchronizes, which must not happen inside a graph capture.
            if (!prepared.contains(chunk)) {
                prepare(chunk);
            }
            upload.chunk(from, chunk);
            if (graphs != null) {
                graphs.run(chunk, () -> runSteps(chunk));
            } else {
                runSteps(chunk);
            }
            Cuda.runtime(ctx.cuda.cudaMemcpyAsync(output.pointer(), buffers[plan.outputBuffer()].pointer(), 4L * chunk * outPerSample,
                    cudaMemcpyKind.cudaMemcpyDeviceToHost, ctx.stream), "cudaMemcpyAsync", () -> "output download");
            ctx.synchronize("batch of " + chunk + " through " + plan.model());
            FloatBuffer out = output.floats();
            out.get(result.data(), from * outPerSample, chunk * outPerSample);
        }
        return result;
    }

    private void runSteps(int n) {
        for (GpuStep s : steps) {
            s.run(n, workspace);
        }
    }

    /** Readies every step for batches of n, within the workspace as it is; returns the workspace they need. */
    private long prepare(int n) {
        long needed = 0;
        for (GpuStep s : steps) {
            needed = Math.max(needed, s.prepare(n, workspace));
        }
        prepared.add(n);
        return needed;
    }

    /** One line per step: what runs, and the convolution algorithms chosen per batch size. */
    public synchronized String describe() {
        StringBuilder s = new StringBuilder();
        for (GpuStep step : steps) {
            s.append(step.describe()).append('\n');
        }
        s.append("workspace: ").append(workspace.bytes()).append(" bytes\n");
        if (graphs != null) {
            s.append(graphs.describe());
        }
        return s.toString();
    }

    public int cublasVersion() {
        return ctx.cublasVersion();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            resources.close();
        }
    }
}
