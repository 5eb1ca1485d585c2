package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.gpu.GpuInfo;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.Plan;
import dev.jresnet.plan.PlanExecutor;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.tensor.Tensor;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.runtime.cudaMemcpyKind;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan on the GPU in the plan's precision ({@link DevicePrecision}). Everything is sized once, for the largest
 * batch: one device buffer per plan buffer, the parameters (shared with other networks of the same weights on this
 * GPU), one cuDNN workspace (what the chosen algorithms need, at most {@link DeviceFootprint#WORKSPACE_LIMIT}), and the
 * {@link BatchPipeline}'s staging, which copies batches in and out beside the computation. Larger batches run in
 * chunks, overlapped. Calls are serialized (one batch at a time per executor); any thread may call.
 */
public final class GpuExecutor implements PlanExecutor {
    private final Plan plan;
    private final int maxBatch;
    private final Resources resources = new Resources();
    private final GpuContext ctx;
    private final DeviceBuffer[] buffers;
    private final List<GpuStep> steps;
    private final List<Integer> prepared = new ArrayList<>();
    private final Workspace workspace;
    private final BatchPipeline pipeline;
    private final ForwardGraphs<?> graphs;
    private boolean closed;

    /**
     * @param weights the weights object the plan was made from: networks of the same one (and plan) share parameters
     * @throws IllegalArgumentException when maxBatch makes a tensor larger than cuDNN takes, or the GPU cannot run the
     *                                  plan's precision
     * @throws dev.jresnet.gpu.DeviceMemoryException when maxBatch does not fit; nothing stays allocated then
     */
    public GpuExecutor(CudaApi cuda, Plan plan, GpuInfo gpu, Object weights, int maxBatch, AlgorithmCache algorithms,
                       boolean cudaGraphs) {
        DevicePrecision precision = DevicePrecision.of(plan.options().precision());
        precision.checkSupportedBy(gpu);
        this.plan = plan;
        this.maxBatch = maxBatch;
        List<DeviceParameters.Host> parameters = GpuSteps.parameters(plan, precision);
        try {
            // Memory first: its refusal suggests a batch within both limits; then cuDNN's limit, which memory alone
            // may not reveal on a large GPU.
            Cuda.runtime(cuda.cudaSetDevice(gpu.device()), "cudaSetDevice", () -> "device " + gpu.device());
            DeviceFootprint footprint = DeviceFootprint.of(plan, precision, DeviceParameters.shared(weights, gpu.device(), plan)
                    ? 0 : DeviceParameters.bytes(parameters));
            footprint.checkFits(plan.model(), maxBatch, gpu, freeMemory(cuda));
            footprint.checkTensorLimit(plan.model(), plan.inputShape().toString(), maxBatch);
            ctx = new GpuContext(cuda, gpu, precision, resources, algorithms);
            int[] elements = plan.bufferElements();
            buffers = new DeviceBuffer[elements.length];
            for (int b = 0; b < elements.length; b++) {
                buffers[b] = ctx.allocate((long) elements[b] * DeviceFootprint.bufferBytesPerElement(plan, precision, b) * maxBatch,
                        "activation buffer " + b + " of " + plan.model() + " (max batch " + maxBatch + ")", resources);
            }
            DeviceParameters onDevice = DeviceParameters.acquire(ctx, weights, plan, parameters, resources);
            steps = GpuSteps.of(plan, ctx, new Descriptors(ctx.cuda, resources, precision), onDevice, resources, buffers,
                    maxBatch);
            pipeline = new BatchPipeline(ctx, resources, maxBatch, plan.outputShape().elements(), this::bringOut);
            if (precision.channelsLast()) {
                ctx.kernels.load(Kernels.Kernel.NARROW_INPUT);
                if (!floatOutput()) {
                    ctx.kernels.load(Kernels.Kernel.WIDEN_OUTPUT);
                }
            }
            // The search gets what memory is left, up to the limit, less the libraries' reserve; the workspace then
            // shrinks to what the chosen algorithms need.
            long room = freeMemory(cuda) - DeviceFootprint.LIBRARY_RESERVE;
            workspace = resources.add(new Workspace(ctx, Math.max(0, Math.min(DeviceFootprint.WORKSPACE_LIMIT, room))));
            workspace.resize(prepare(maxBatch));
            graphs = cudaGraphs ? resources.add(new ForwardGraphs<>(new StreamCapture(cuda, new CUstream(ctx.stream)))) : null;
            // Parameters went up with synchronous copies, which may still be in flight on the legacy default stream;
            // the network's streams do not wait for that stream, so wait here, once.
            ctx.awaitLegacyStream("uploading the parameters of " + plan.model());
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

    /** Whether the plan's output buffer holds float32: the classifier's logits always do, 16-bit features do not. */
    private boolean floatOutput() {
        List<PlanOp> ops = plan.ops();
        return !ctx.precision.channelsLast() || ops.get(ops.size() - 1) instanceof PlanOp.LinearOp;
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
        Shape s = plan.inputShape();
        int perSample = (int) s.elements();
        Pointer input = buffers[plan.inputBuffer()].pointer();
        return runChunks(n, "float32 input staging", 4L * perSample, new BatchPipeline.Input() {
            @Override
            public void stage(PinnedBuffer pinned, int from, int count) {
                pinned.floats().put(batch.data(), from * perSample, count * perSample);
            }

            @Override
            public void bringIn(Pointer staged, int count) {
                if (ctx.precision.channelsLast()) {
                    ctx.kernels.narrowInput(staged, input, count, s.channels(), s.height(), s.width());
                } else {
                    Cuda.runtime(ctx.cuda.cudaMemcpyAsync(input, staged, 4L * count * perSample,
                            cudaMemcpyKind.cudaMemcpyDeviceToDevice, ctx.stream), "cudaMemcpyAsync", () -> "input of " + count);
                }
            }
        });
    }

    /**
     * 8-bit RGB images, interleaved (N, H, W, 3), uploaded as bytes (a quarter of float32's) and normalized on the
     * device into the network's input: out = (v / 255 - mean[c]) / std[c], stored in the network's precision.
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
        int perImage = 3 * s.height() * s.width();
        if (n < 1 || rgb.length != (long) n * perImage) {
            throw new IllegalArgumentException(n + " RGB images of " + s.height() + "x" + s.width() + " need "
                    + (long) n * perImage + " bytes, got " + rgb.length);
        }
        Pointer input = buffers[plan.inputBuffer()].pointer();
        return runChunks(n, "8-bit image staging", perImage, new BatchPipeline.Input() {
            @Override
            public void stage(PinnedBuffer pinned, int from, int count) {
                pinned.bytes().put(rgb, from * perImage, count * perImage);
            }

            @Override
            public void bringIn(Pointer staged, int count) {
                ctx.kernels.normalizeU8(staged, input, count, s.height(), s.width(), mean, std);
            }
        });
    }

    /**
     * Runs n samples through the pipeline in chunks of at most maxBatch, every chunk size readied first. The staging
     * is asked for only after the device is bound: its first request allocates, and must allocate on this GPU.
     */
    private Tensor runChunks(int n, String staging, long stagedBytesPerSample, BatchPipeline.Input input) {
        ctx.bindDevice();
        // Before anything is queued: the algorithm search writes activation buffers and synchronizes, which must not
        // happen inside a graph capture.
        for (int size : new int[]{Math.min(n, maxBatch), n % maxBatch}) {
            if (size > 0 && !prepared.contains(size)) {
                prepare(size);
            }
        }
        Tensor result = Tensor.zeros(PlanExecutor.outputShape(plan, n));
        pipeline.run(n, pipeline.staging(staging, stagedBytesPerSample), input, this::compute, result.data());
        return result;
    }

    private void compute(int n) {
        if (graphs != null) {
            graphs.run(n, () -> runSteps(n));
        } else {
            runSteps(n);
        }
    }

    private void runSteps(int n) {
        for (GpuStep s : steps) {
            s.run(n, workspace);
        }
    }

    /** The plan's output into a pipeline slot, as float32: copied, or widened from 16-bit features. */
    private void bringOut(Pointer deviceOut, int count) {
        Pointer output = buffers[plan.outputBuffer()].pointer();
        long values = (long) count * plan.outputShape().elements();
        if (floatOutput()) {
            Cuda.runtime(ctx.cuda.cudaMemcpyAsync(deviceOut, output, 4 * values, cudaMemcpyKind.cudaMemcpyDeviceToDevice,
                    ctx.stream), "cudaMemcpyAsync", () -> "output of " + count);
        } else {
            ctx.kernels.widenOutput(output, deviceOut, values);
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
        DevicePrecision p = ctx.precision;
        s.append("precision: ").append(p.precision.label()).append(", activations ").append(p.channelsLast() ? "NHWC" : "NCHW")
                .append(p.allowsTensorOps() ? ", tensor cores allowed" : ", no tensor cores").append('\n');
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
