package dev.jresnet.gpu;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.Plan;
import dev.jresnet.plan.PlanExecutor;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.Tensor;
import jcuda.driver.CUstream;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a plan on the GPU. Everything is sized once, for the largest batch: one device buffer per plan buffer, the
 * weights, one cuDNN workspace (the largest any chosen algorithm needs), and pinned host staging for input and
 * output; batches are copied in and out asynchronously on the network's one stream. Larger batches run in chunks.
 * Calls are serialized (one batch at a time per executor); any thread may call.
 */
final class GpuExecutor implements PlanExecutor {
    private final Plan plan;
    private final int maxBatch;
    private final Resources resources = new Resources();
    private final GpuContext ctx;
    private final DeviceBuffer[] buffers;
    private final PinnedBuffer input;
    private final PinnedBuffer output;
    private final List<GpuStep> steps = new ArrayList<>();
    private final List<Integer> prepared = new ArrayList<>();
    private final DeviceBuffer workspace;
    private final ForwardGraphs<?> graphs;
    private PinnedBuffer rgbStaging;
    private DeviceBuffer rgbDevice;
    private boolean closed;

    /** @throws DeviceMemoryException when maxBatch does not fit; nothing stays allocated then */
    GpuExecutor(Plan plan, GpuInfo gpu, int maxBatch, AlgorithmCache algorithms, boolean cudaGraphs) {
        if (plan.options().precision() != Precision.FP32) {
            throw new IllegalArgumentException("the GPU path runs fp32 only so far; " + plan.options().precision().label()
                    + " (tensor cores) is not built yet");
        }
        this.plan = plan;
        this.maxBatch = maxBatch;
        try {
            checkFits(plan, gpu, maxBatch);
            ctx = new GpuContext(gpu, resources, algorithms);
            int[] elements = plan.bufferElements();
            buffers = new DeviceBuffer[elements.length];
            for (int b = 0; b < elements.length; b++) {
                buffers[b] = resources.add(new DeviceBuffer(4L * elements[b] * maxBatch,
                        "activation buffer " + b + " of " + plan.model() + " (max batch " + maxBatch + ")"));
            }
            input = resources.add(new PinnedBuffer(plan.inputShape().elements() * maxBatch, "input staging"));
            output = resources.add(new PinnedBuffer(plan.outputShape().elements() * maxBatch, "output staging"));
            Descriptors descriptors = new Descriptors(resources);
            for (PlanOp op : plan.ops()) {
                steps.add(GpuSteps.of(op, ctx, descriptors, resources, buffers));
            }
            long needed = 0;
            for (GpuStep s : steps) {
                needed = Math.max(needed, s.prepare(maxBatch, Long.MAX_VALUE));
            }
            prepared.add(maxBatch);
            workspace = resources.add(new DeviceBuffer(needed, "the cuDNN workspace"));
            graphs = cudaGraphs ? resources.add(new ForwardGraphs<>(new StreamCapture(new CUstream(ctx.stream)))) : null;
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

    /** Refuses before allocating when activations and weights alone exceed the free device memory. */
    private static void checkFits(Plan plan, GpuInfo gpu, int maxBatch) {
        Cuda.runtime(JCuda.cudaSetDevice(gpu.device()), "cudaSetDevice");
        long activations = 4L * plan.activationElementsPerSample() * maxBatch;
        long weights = 0;
        for (PlanOp op : plan.ops()) {
            if (op instanceof PlanOp.ConvOp c) {
                weights += 4L * c.weight().length;
            } else if (op instanceof PlanOp.LinearOp l) {
                weights += 4L * l.weight().length;
            }
        }
        long[] free = {0};
        long[] total = {0};
        Cuda.runtime(JCuda.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        if (activations + weights > free[0]) {
            long perSample = 4L * plan.activationElementsPerSample();
            throw new DeviceMemoryException(String.format(Locale.ROOT,
                    "%s with max batch %d needs %.1f MiB of activations and %.1f MiB of weights, but %s has %.1f MiB free; "
                            + "a max batch of about %d fits", plan.model(), maxBatch, activations / 1048576.0, weights / 1048576.0,
                    gpu.name(), free[0] / 1048576.0, Math.max(0, (free[0] - weights) * 9 / 10 / perSample)));
        }
    }

    @Override
    public Plan plan() {
        return plan;
    }

    int maxBatch() {
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
            Cuda.runtime(JCuda.cudaMemcpyAsync(buffers[plan.inputBuffer()].pointer(), input.pointer(), 4L * chunk * inPerSample,
                    cudaMemcpyKind.cudaMemcpyHostToDevice, ctx.stream), "cudaMemcpyAsync", () -> "input upload");
        });
    }

    /**
     * 8-bit RGB images, interleaved (N, H, W, 3), uploaded as bytes (a quarter of float32's) and normalized on the
     * device into the (N, 3, H, W) input: out = (v / 255 - mean[c]) / std[c].
     */
    synchronized Tensor runImages(byte[] rgb, int n, float[] mean, float[] std) {
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
            rgbStaging = resources.add(new PinnedBuffer((perImage * maxBatch + 3) / 4, "8-bit image staging"));
            rgbDevice = resources.add(new DeviceBuffer(perImage * maxBatch, "8-bit images on the device"));
        }
        return runChunks(n, (from, chunk) -> {
            rgbStaging.bytes().put(rgb, (int) (from * perImage), (int) (chunk * perImage));
            Cuda.runtime(JCuda.cudaMemcpyAsync(rgbDevice.pointer(), rgbStaging.pointer(), chunk * perImage,
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
        Cuda.runtime(JCuda.cudaSetDevice(ctx.info.device()), "cudaSetDevice"); // binds this thread to the device's context
        int outPerSample = (int) plan.outputShape().elements();
        Tensor result = Tensor.zeros(PlanExecutor.outputShape(plan, n));
        for (int from = 0; from < n; from += maxBatch) {
            int chunk = Math.min(maxBatch, n - from);
            upload.chunk(from, chunk);
            prepare(chunk); // outside any capture: finding algorithms synchronizes
            if (graphs != null) {
                graphs.run(chunk, () -> runSteps(chunk));
            } else {
                runSteps(chunk);
            }
            Cuda.runtime(JCuda.cudaMemcpyAsync(output.pointer(), buffers[plan.outputBuffer()].pointer(), 4L * chunk * outPerSample,
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

    /** A batch size seen for the first time gets its descriptors and algorithms, within the existing workspace. */
    private void prepare(int n) {
        if (!prepared.contains(n)) {
            for (GpuStep s : steps) {
                s.prepare(n, workspace.bytes());
            }
            prepared.add(n);
        }
    }

    /** One line per step: what runs, and the convolution algorithms chosen per batch size. */
    synchronized String describe() {
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

    int cublasVersion() {
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
