package dev.jresnet.cpu;

import dev.jresnet.model.PoolSpec;
import dev.jresnet.plan.PlanOp;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The fast CPU kernels: convolution as a packed GEMM on a register-tiled micro-kernel ({@link GemmConvolution}),
 * the other ops split over the same fixed pool of threads. Ops without a fast version here fall back to
 * {@link PlainKernels}. Thread-safe: one op runs at a time; scratch memory is kept and reused across calls.
 */
final class FastKernels extends PlainKernels implements AutoCloseable {
    /** Elementwise work per task: large enough that handing out a task costs little next to it. */
    private static final int ELEMENTS_PER_TASK = 1 << 15;

    private final WorkerPool pool;
    private final MicroKernel microKernel;
    private final ConvScratch[] scratch;
    private float[] phaseCopy = new float[0];
    private final Map<PlanOp.ConvOp, GemmConvolution> convolutions = new IdentityHashMap<>();
    private final Map<PlanOp.ConvOp, WinogradConvolution> winograd = new IdentityHashMap<>();

    FastKernels(int threads, MicroKernel microKernel) {
        this.pool = new WorkerPool(threads);
        this.microKernel = microKernel;
        this.scratch = new ConvScratch[threads];
        for (int i = 0; i < threads; i++) {
            scratch[i] = new ConvScratch();
        }
    }

    String description() {
        return microKernel.description() + ", " + pool.threads() + (pool.threads() == 1 ? " thread" : " threads");
    }

    /** The GEMM form of a convolution (its weights packed), made on first use and kept as long as these kernels. */
    @Override
    public synchronized void conv(PlanOp.ConvOp op, float[] in, float[] residual, float[] out, int batch) {
        if (op.spec().strideH() != op.spec().strideW()) {
            super.conv(op, in, residual, out, batch); // no network of ours has these; the plain loop serves them
            return;
        }
        if (WinogradConvolution.pays(op, batch)) {
            winograd.computeIfAbsent(op, WinogradConvolution::new).run(in, residual, out, batch, pool, microKernel, scratch);
            return;
        }
        GemmConvolution gemm = convolutions.computeIfAbsent(op, GemmConvolution::new);
        int needed = gemm.phaseCopySize(batch);
        if (phaseCopy.length < needed) {
            phaseCopy = new float[needed];
        }
        gemm.run(in, residual, out, batch, pool, microKernel, phaseCopy, scratch);
    }

    @Override
    public synchronized void batchNorm(PlanOp.BatchNormOp op, float[] in, float[] out, int batch) {
        int channels = op.shape().channels();
        int plane = op.shape().height() * op.shape().width();
        float[][] scaleShift = scaleAndShift(op);
        pool.run(batch * channels, (nc, worker) -> {
            int c = nc % channels;
            applyScaleShift(in, out, nc * plane, plane, scaleShift[0][c], scaleShift[1][c]);
        });
    }

    @Override
    public synchronized void relu(float[] in, float[] out, int count) {
        forChunks(count, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = Math.max(in[i], 0f);
            }
        });
    }

    @Override
    public synchronized void add(PlanOp.AddOp op, float[] left, float[] right, float[] out, int batch) {
        boolean relu = op.relu();
        forChunks((int) (batch * op.shape().elements()), (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = left[i] + right[i];
                out[i] = relu ? Math.max(v, 0f) : v;
            }
        });
    }

    /**
     * The window taps inside the input are worked out once per call for every output row and column (not per
     * output), so the inner loop is only loads and max; Math.max keeps NaN, as PyTorch's max pooling does.
     */
    @Override
    public synchronized void maxPool(PlanOp.MaxPoolOp op, float[] in, float[] out, int batch) {
        PoolSpec p = op.spec();
        int inH = op.inShape().height(), inW = op.inShape().width();
        int outH = op.outShape().height(), outW = op.outShape().width();
        int[] rowTaps = insideTaps(outH, p, inH);
        int[] colTaps = insideTaps(outW, p, inW);
        pool.run(batch * op.inShape().channels(), (nc, worker) -> {
            int inBase = nc * inH * inW;
            int outBase = nc * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int kh = rowTaps[2 * oh]; kh < rowTaps[2 * oh + 1]; kh++) {
                        int row = inBase + (oh * p.stride() - p.padding() + kh * p.dilation()) * inW + ow * p.stride() - p.padding();
                        for (int kw = colTaps[2 * ow]; kw < colTaps[2 * ow + 1]; kw++) {
                            max = Math.max(max, in[row + kw * p.dilation()]);
                        }
                    }
                    out[outBase + oh * outW + ow] = max;
                }
            }
        });
    }

    /** For each output position along one axis: the first and one-past-last window tap that fall inside the input. */
    private static int[] insideTaps(int outSize, PoolSpec p, int inSize) {
        int[] taps = new int[2 * outSize];
        for (int o = 0; o < outSize; o++) {
            int start = o * p.stride() - p.padding();
            taps[2 * o] = start >= 0 ? 0 : Math.min(p.kernel(), (-start + p.dilation() - 1) / p.dilation());
            taps[2 * o + 1] = start >= inSize ? 0 : Math.min(p.kernel(), (inSize - 1 - start) / p.dilation() + 1);
        }
        return taps;
    }

    @Override
    public synchronized void globalAvgPool(PlanOp.GlobalAvgPoolOp op, float[] in, float[] out, int batch) {
        int plane = op.inShape().height() * op.inShape().width();
        int planes = batch * op.inShape().channels();
        int perTask = Math.max(1, ELEMENTS_PER_TASK / plane);
        pool.run((planes + perTask - 1) / perTask, (task, worker) -> {
            for (int nc = task * perTask; nc < Math.min(planes, (task + 1) * perTask); nc++) {
                double sum = 0;
                for (int i = nc * plane; i < (nc + 1) * plane; i++) {
                    sum += in[i];
                }
                out[nc] = (float) (sum / plane);
            }
        });
    }

    @Override
    public synchronized void linear(PlanOp.LinearOp op, float[] in, float[] out, int batch) {
        int inF = op.inFeatures(), outF = op.outFeatures();
        float[] w = op.weight();
        int perTask = Math.max(1, ELEMENTS_PER_TASK / inF);
        pool.run((outF + perTask - 1) / perTask, (task, worker) -> {
            for (int j = task * perTask; j < Math.min(outF, (task + 1) * perTask); j++) {
                for (int n = 0; n < batch; n++) {
                    double sum = op.bias() == null ? 0 : op.bias()[j];
                    for (int i = 0; i < inF; i++) {
                        sum += (double) in[n * inF + i] * w[j * inF + i];
                    }
                    out[n * outF + j] = (float) sum;
                }
            }
        });
    }

    private interface Range {
        void run(int from, int to);
    }

    private void forChunks(int count, Range body) {
        pool.run((count + ELEMENTS_PER_TASK - 1) / ELEMENTS_PER_TASK,
                (task, worker) -> body.run(task * ELEMENTS_PER_TASK, Math.min(count, (task + 1) * ELEMENTS_PER_TASK)));
    }

    @Override
    public synchronized void close() {
        pool.close();
    }
}
