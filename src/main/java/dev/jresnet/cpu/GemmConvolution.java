package dev.jresnet.cpu;

import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

import java.util.Arrays;

/**
 * One convolution as a cache-blocked GEMM per image and group, C (out channels x pixels) = A (out channels x
 * in channels*kh*kw, the weights, packed once here) * B, where B is read in place, never gathered (im2col).
 *
 * <p>How B is read in place: the input is first copied, zero-padded, into {@code stride x stride} phase planes per
 * channel (phase (a, b) holds padded pixels (y*s + a, x*s + b)). Output pixel (oh, ow) then reads, for kernel tap
 * (kh, kw), phase ((kh*d) % s, (kw*d) % s) at (oh + kh*d / s, ow + kw*d / s): for a fixed tap the pixels of one
 * output row are consecutive floats of one plane. So the GEMM runs over a grid of Hout x Wq columns (Wq the phase
 * plane width, a little wider than the output), row k of B is the plane shifted by a fixed offset (a table per
 * conv), and the grid columns past the output width are computed and dropped. Stride 1 needs one phase, stride 2
 * as many of the four as the kernel touches; a 1x1 stride-2 shortcut copies one.
 *
 * <p>Blocking: a task owns up to {@link #MC} rows and {@link #NC} grid columns of one image and group, with its own
 * accumulator block (worker scratch). Per {@link #KC}-deep chunk of the reduction it runs the micro-kernel over
 * every 16-column tile and, inner, every 4-row panel, so each tile's 16 KiB of B stays in L1 while A's block sits
 * in L2. The first chunk starts from the bias; after the last, the block (still in L2) gets the residual and ReLU
 * on its way to the output.
 */
final class GemmConvolution {
    /** Reduction depth per pass: the B rows of one tile, KC x 16 floats, are 16 KiB. */
    static final int KC = 256;
    /** Grid columns per task, a multiple of 16. */
    static final int NC = 256;
    /** Rows per task at most: A's block (MC x KC floats, 128 KiB) stays in L2. */
    static final int MC = 128;
    private static final int R = MicroKernel.ROWS;
    private static final int T = MicroKernel.COLS;

    private final PlanOp.ConvOp op;
    private final int groups, rowsPerGroup, paddedRows, depth, inC, inH, inW, outC, outH, outW;
    private final int stride, phaseH, phaseW, phases, phasePlane, imageStride;
    /** phaseIndex[a * stride + b]: where phase (a, b) is stored among the channel's phases, -1 when unused. */
    private final int[] phaseIndex;
    /** Row k of B (in one group) starts this many floats after the grid column's position in the phase copy. */
    private final int[] offsets;
    /** Per group: chunk k0 at paddedRows*k0; in it, row panel p at p*R*kc; element (k, i) at k*R + i. */
    private final float[][] packedWeights;
    /** The bias padded to whole row panels (zeros without a bias). */
    private final float[] paddedBias;

    GemmConvolution(PlanOp.ConvOp op) {
        this.op = op;
        ConvSpec s = op.spec();
        Shape is = op.inShape(), os = op.outShape();
        if (s.strideH() != s.strideW()) {
            throw new IllegalArgumentException(op.name() + ": the fast convolution needs equal strides, got " + s);
        }
        groups = s.groups();
        inC = is.channels();
        inH = is.height();
        inW = is.width();
        outC = os.channels();
        outH = os.height();
        outW = os.width();
        stride = s.strideH();
        rowsPerGroup = outC / groups;
        paddedRows = (rowsPerGroup + R - 1) / R * R;
        depth = inC / groups * s.kernelH() * s.kernelW();
        phaseH = (inH + 2 * s.padH() + stride - 1) / stride;
        phaseW = (inW + 2 * s.padW() + stride - 1) / stride;
        phasePlane = phaseH * phaseW;
        phaseIndex = new int[stride * stride];
        Arrays.fill(phaseIndex, -1);
        int used = 0;
        for (int kh = 0; kh < s.kernelH(); kh++) {
            for (int kw = 0; kw < s.kernelW(); kw++) {
                int phase = (kh * s.dilationH()) % stride * stride + (kw * s.dilationW()) % stride;
                if (phaseIndex[phase] < 0) {
                    phaseIndex[phase] = used++;
                }
            }
        }
        phases = used;
        imageStride = inC * phases * phasePlane;
        offsets = new int[depth];
        int k = 0;
        for (int c = 0; c < inC / groups; c++) {
            for (int kh = 0; kh < s.kernelH(); kh++) {
                for (int kw = 0; kw < s.kernelW(); kw++) {
                    int y = kh * s.dilationH(), x = kw * s.dilationW();
                    offsets[k++] = (c * phases + phaseIndex[y % stride * stride + x % stride]) * phasePlane
                            + y / stride * phaseW + x / stride;
                }
            }
        }
        packedWeights = new float[groups][];
        for (int g = 0; g < groups; g++) {
            packedWeights[g] = packWeights(op.weight(), g);
        }
        paddedBias = new float[groups * paddedRows];
        for (int g = 0; g < groups && op.bias() != null; g++) {
            System.arraycopy(op.bias(), g * rowsPerGroup, paddedBias, g * paddedRows, rowsPerGroup);
        }
    }

    private float[] packWeights(float[] weight, int g) {
        float[] packed = new float[paddedRows * depth];
        for (int k0 = 0; k0 < depth; k0 += KC) {
            int kc = Math.min(KC, depth - k0);
            for (int m = 0; m < rowsPerGroup; m++) {
                int src = (g * rowsPerGroup + m) * depth + k0;
                int dst = paddedRows * k0 + (m / R) * R * kc + m % R;
                for (int k = 0; k < kc; k++) {
                    packed[dst + k * R] = weight[src + k];
                }
            }
        }
        return packed;
    }

    /** Floats of the phase copy for a batch: the planes plus room for the last tile's reads past the grid. */
    int phaseCopySize(int batch) {
        return batch * imageStride + phaseW + 2 * T;
    }

    /** Per-worker accumulator block, reused across calls and convolutions. */
    static float[] newAccumulators() {
        return new float[MC * NC];
    }

    /**
     * @param phaseCopy at least {@link #phaseCopySize}(batch) floats, overwritten
     * @param accumulators one {@link #newAccumulators()} block per worker
     */
    void run(float[] in, float[] residual, float[] out, int batch, WorkerPool pool, MicroKernel kernel,
             float[] phaseCopy, float[][] accumulators) {
        int planes = batch * inC;
        pool.run(planes, (plane, worker) -> copyPhases(in, plane, phaseCopy));
        int gridColumns = outH * phaseW;
        int colBlocks = (gridColumns + NC - 1) / NC;
        int rows = Math.min(paddedRows, MC);
        while (batch * groups * colBlocks * ((paddedRows + rows - 1) / rows) < 4 * pool.threads() && rows > 4 * R) {
            rows = (rows / 2 + R - 1) / R * R;
        }
        int rowBlock = rows;
        int rowBlocks = (paddedRows + rowBlock - 1) / rowBlock;
        int perImage = groups * colBlocks * rowBlocks;
        pool.run(batch * perImage, (task, worker) -> {
            int n = task / perImage;
            int g = task % perImage / (colBlocks * rowBlocks);
            int cb = task % (colBlocks * rowBlocks) / rowBlocks;
            int rb = task % rowBlocks;
            int col0 = cb * NC;
            int row0 = rb * rowBlock;
            block(phaseCopy, residual, out, n, g, col0, Math.min(NC, gridColumns - col0), row0,
                    Math.min(paddedRows, row0 + rowBlock), kernel, accumulators[worker]);
        });
    }

    /** Copies input plane (n, c) into its zero-padded phase planes. */
    private void copyPhases(float[] in, int plane, float[] dst) {
        ConvSpec s = op.spec();
        int src = plane * inH * inW;
        for (int a = 0; a < stride; a++) {
            for (int b = 0; b < stride; b++) {
                int phase = phaseIndex[a * stride + b];
                if (phase < 0) {
                    continue;
                }
                int base = (plane * phases + phase) * phasePlane;
                // Phase column x holds input column x*stride + b - padW; these x fall inside the input.
                int xFrom = Math.max(0, (s.padW() - b + stride - 1) / stride);
                int xTo = Math.max(xFrom, Math.min(phaseW, (inW - 1 + s.padW() - b) / stride + 1));
                for (int y = 0; y < phaseH; y++) {
                    int row = base + y * phaseW;
                    int iy = y * stride + a - s.padH();
                    if (iy < 0 || iy >= inH) {
                        Arrays.fill(dst, row, row + phaseW, 0f);
                        continue;
                    }
                    Arrays.fill(dst, row, row + xFrom, 0f);
                    int srcRow = src + iy * inW + b - s.padW();
                    if (stride == 1) {
                        System.arraycopy(in, srcRow + xFrom, dst, row + xFrom, xTo - xFrom);
                    } else {
                        for (int x = xFrom; x < xTo; x++) {
                            dst[row + x] = in[srcRow + x * stride];
                        }
                    }
                    Arrays.fill(dst, row + xTo, row + phaseW, 0f);
                }
            }
        }
    }

    private void block(float[] phaseCopy, float[] residual, float[] out, int n, int g, int col0, int cols,
                       int row0, int row1, MicroKernel kernel, float[] acc) {
        float[] a = packedWeights[g];
        int bImage = n * imageStride + g * (inC / groups) * phases * phasePlane + col0;
        for (int k0 = 0; k0 < depth; k0 += KC) {
            int kc = Math.min(KC, depth - k0);
            for (int j = 0; j < cols; j += T) {
                for (int m = row0; m < row1; m += R) {
                    kernel.tile(a, paddedRows * k0 + m * kc, phaseCopy, bImage + j, offsets, k0, kc,
                            acc, (m - row0) * NC + j, NC, k0 > 0, paddedBias, g * paddedRows + m);
                }
            }
        }
        storeBlock(acc, residual, out, n, g, col0, cols, row0, Math.min(row1, rowsPerGroup));
    }

    /** Moves the block's valid grid columns to the output, adding the residual and applying ReLU on the way. */
    private void storeBlock(float[] acc, float[] residual, float[] out, int n, int g, int col0, int cols, int row0,
                            int row1) {
        boolean relu = op.relu();
        for (int oh = col0 / phaseW; oh * phaseW < col0 + cols; oh++) {
            int from = Math.max(col0, oh * phaseW), to = Math.min(col0 + cols, oh * phaseW + outW);
            for (int m = row0; m < row1; m++) {
                int src = (m - row0) * NC - col0;
                int dst = ((n * outC + g * rowsPerGroup + m) * outH + oh) * outW - oh * phaseW;
                for (int j = from; j < to; j++) {
                    float v = residual == null ? acc[src + j] : acc[src + j] + residual[dst + j];
                    out[dst + j] = relu ? Math.max(v, 0f) : v;
                }
            }
        }
    }
}
