package dev.jresnet.cpu;

import dev.jresnet.model.PoolSpec;
import dev.jresnet.plan.PlanOp;

import java.util.Arrays;
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
    private float[] sharedPanels = new float[0];
    /** Each worker's three rows for {@link #maxPool}, grown when too short. */
    private final float[][][] poolRows;
    private final Map<PlanOp.ConvOp, GemmConvolution> convolutions = new IdentityHashMap<>();
    private final Map<PlanOp.ConvOp, WinogradConvolution> winograd = new IdentityHashMap<>();

    FastKernels(int threads, MicroKernel microKernel) {
        this.pool = new WorkerPool(threads);
        this.microKernel = microKernel;
        this.scratch = new ConvScratch[threads];
        this.poolRows = new float[threads][3][0];
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
            winograd.computeIfAbsent(op, o -> new WinogradConvolution(o, microKernel.rows()))
                    .run(in, residual, out, batch, pool, microKernel, scratch);
            return;
        }
        GemmConvolution gemm = convolutions.computeIfAbsent(op, o -> new GemmConvolution(o, microKernel.rows()));
        int needed = gemm.phaseCopySize(batch);
        if (phaseCopy.length < needed) {
            phaseCopy = new float[needed];
        }
        int shared = gemm.sharedPanelsSize(batch, microKernel, pool.threads());
        if (sharedPanels.length < shared) {
            sharedPanels = new float[shared];
        }
        gemm.run(in, residual, out, batch, pool, microKernel, phaseCopy, sharedPanels, scratch);
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
     * Separable: for each output row, the maxima down the window's input rows, then along that row (padded with -inf
     * at both ends) at every position a window may start, then every stride-th of those. Each max runs over two
     * arrays at the same index, the one form C2 compiles to SIMD (with different offsets it stays scalar, 4x
     * slower), so rows are first moved into place with System.arraycopy. Math.max keeps NaN, as PyTorch's max
     * pooling does. This replaced a per-output loop over the taps: resnet18's stem pool at batch 8 went from 19 ms
     * to 6 ms on two cores (it is now bound by memory).
     */
    @Override
    public synchronized void maxPool(PlanOp.MaxPoolOp op, float[] in, float[] out, int batch) {
        PoolSpec p = op.spec();
        int inH = op.inShape().height(), inW = op.inShape().width();
        int outH = op.outShape().height(), outW = op.outShape().width();
        int[] rowTaps = insideTaps(outH, p, inH);
        int stride = p.stride(), pad = p.padding(), dilation = p.dilation(), kernel = p.kernel();
        int starts = (outW - 1) * stride + 1;
        int padded = Math.max(pad + inW, starts + (kernel - 1) * dilation);
        if (poolRows[0][0].length < padded) {
            for (float[][] worker : poolRows) {
                for (int i = 0; i < worker.length; i++) {
                    worker[i] = new float[padded];
                }
            }
        }
        pool.run(batch * op.inShape().channels(), (nc, worker) -> {
            float[] row = poolRows[worker][0]; // [pad, pad + inW): maxima down the window's rows; -inf around
            float[] windows = poolRows[worker][1]; // [0, starts): maxima along row from each window start
            float[] moved = poolRows[worker][2]; // the next operand, moved to index 0
            int inBase = nc * inH * inW;
            int outBase = nc * outH * outW;
            Arrays.fill(row, 0, padded, Float.NEGATIVE_INFINITY);
            for (int oh = 0; oh < outH; oh++) {
                int firstTap = rowTaps[2 * oh], endTap = rowTaps[2 * oh + 1];
                int firstRow = inBase + (oh * stride - pad) * inW;
                if (firstTap == endTap) {
                    Arrays.fill(windows, 0, inW, Float.NEGATIVE_INFINITY);
                } else {
                    System.arraycopy(in, firstRow + firstTap * dilation * inW, windows, 0, inW);
                }
                for (int kh = firstTap + 1; kh < endTap; kh++) {
                    System.arraycopy(in, firstRow + kh * dilation * inW, moved, 0, inW);
                    maxInto(windows, moved, inW);
                }
                System.arraycopy(windows, 0, row, pad, inW);
                System.arraycopy(row, 0, windows, 0, starts);
                for (int kw = 1; kw < kernel; kw++) {
                    System.arraycopy(row, kw * dilation, moved, 0, starts);
                    maxInto(windows, moved, starts);
                }
                int to = outBase + oh * outW;
                for (int ow = 0; ow < outW; ow++) {
                    out[to + ow] = windows[ow * stride];
                }
            }
        });
    }

    /** dst[i] = max(dst[i], src[i]) for i below n. */
    private static void maxInto(float[] dst, float[] src, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] = Math.max(dst[i], src[i]);
        }
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
