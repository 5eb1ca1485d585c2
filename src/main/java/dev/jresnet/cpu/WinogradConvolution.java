package dev.jresnet.cpu;

import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

import java.util.Arrays;

/**
 * A 3x3, stride-1 convolution by Winograd's F(2x2, 3x3): each 2x2 block of outputs is Y = A^T [(G g G^T) . (B^T d B)] A
 * over the 4x4 input patch d, which takes 16 multiplications per (input, output) channel pair where the direct
 * form takes 36. The element-wise products summed over input channels are 16 matrix products
 * M_xi (out x tiles) = U_xi (out x in) * V_xi (in x tiles), run on the same micro-kernel as the direct convolution.
 * The transforms' constants are 0, +-1/2 and +-1: exact in binary, so rounding stays close to the direct form's.
 *
 * <pre>
 * B^T = | 1  0 -1  0 |   G = | 1    0    0  |   A^T = | 1  1  1  0 |
 *       | 0  1  1  0 |       | 1/2  1/2  1/2|         | 0  1 -1 -1 |
 *       | 0 -1  1  0 |       | 1/2 -1/2  1/2|
 *       | 0  1  0 -1 |       | 0    0    1  |
 * </pre>
 *
 * A task takes a block of tiles (of the whole batch) and all output channels, or a share of them when tasks are
 * scarce; it transforms its tiles' inputs (all input channels), runs the 16 products, and transforms them back with
 * bias, residual and ReLU on the way to the output.
 */
final class WinogradConvolution {
    /** Floats of one task's products (16 x rows x tiles): 1 MiB. */
    private static final int PRODUCT_BUDGET = 256 * 1024;
    /** Tiles per task at most, a multiple of every tile width (16, 32). */
    static final int MAX_BLOCK_TILES = 256;
    /** Floats added to the distance between consecutive V_xi and M_xi: one cache line. */
    private static final int SKEW = 16;

    private final PlanOp.ConvOp op;
    /** The micro-kernel's tile rows: U is packed in panels of this many rows. */
    private final int r;
    private final int inC, inH, inW, outC, outH, outW, padH, padW, tilesH, tilesW, paddedRows;
    /** U_xi = (G g G^T)[xi] for every (out, in) pair, packed per xi as the micro-kernel's A operand. */
    private final float[][] transformedWeights = new float[16][];
    private final float[] bias;
    private final float[] zeros;

    /** Where this class computes the same thing as the direct form: 3x3 kernels, stride 1, no dilation, no groups. */
    static boolean applies(ConvSpec s) {
        return s.kernelH() == 3 && s.kernelW() == 3 && s.strideH() == 1 && s.strideW() == 1 && s.dilationH() == 1
                && s.dilationW() == 1 && s.groups() == 1;
    }

    /**
     * Where it is also faster, as measured on resnet18 (2-core AVX2, docs/BENCHMARKS.md): its transforms cost memory
     * traffic the direct form does not have, so it only wins where they are small next to the products, with 256+
     * input channels and 128+ tiles to share. Re-measured with the 512-bit 8x32 GEMM (2-core AVX-512 Xeon): without
     * it, resnet18 ran 1% slower at batch 8 and 4% at batch 32, and that before the transforms were vectorized.
     */
    static boolean pays(PlanOp.ConvOp op, int batch) {
        Shape out = op.outShape();
        long tiles = (long) batch * ((out.height() + 1) / 2) * ((out.width() + 1) / 2);
        return applies(op.spec()) && op.inShape().channels() >= 256 && tiles >= 128;
    }

    /** @param tileRows the rows of the micro-kernel that will run the products ({@link MicroKernel#rows()}) */
    WinogradConvolution(PlanOp.ConvOp op, int tileRows) {
        this.op = op;
        this.r = tileRows;
        ConvSpec s = op.spec();
        Shape is = op.inShape();
        Shape os = op.outShape();
        inC = is.channels();
        inH = is.height();
        inW = is.width();
        outC = os.channels();
        outH = os.height();
        outW = os.width();
        padH = s.padH();
        padW = s.padW();
        tilesH = (outH + 1) / 2;
        tilesW = (outW + 1) / 2;
        paddedRows = (outC + r - 1) / r * r;
        float[][] u = new float[16][outC * inC];
        float[] w = op.weight();
        for (int k = 0; k < outC; k++) {
            for (int c = 0; c < inC; c++) {
                double[] t = transformKernel(w, (k * inC + c) * 9);
                for (int xi = 0; xi < 16; xi++) {
                    u[xi][k * inC + c] = (float) t[xi];
                }
            }
        }
        for (int xi = 0; xi < 16; xi++) {
            transformedWeights[xi] = GemmConvolution.packRows(u[xi], 0, outC, paddedRows, inC, r);
        }
        bias = op.bias() != null ? op.bias() : new float[outC];
        zeros = new float[paddedRows];
    }

    /** G g G^T for one 3x3 kernel g (at w[at], row-major), in double. */
    private static double[] transformKernel(float[] w, int at) {
        double[][] gg = new double[4][3]; // G g
        for (int col = 0; col < 3; col++) {
            double g0 = w[at + col], g1 = w[at + 3 + col], g2 = w[at + 6 + col];
            gg[0][col] = g0;
            gg[1][col] = (g0 + g1 + g2) / 2;
            gg[2][col] = (g0 - g1 + g2) / 2;
            gg[3][col] = g2;
        }
        double[] u = new double[16]; // (G g) G^T
        for (int row = 0; row < 4; row++) {
            double a = gg[row][0], b = gg[row][1], c = gg[row][2];
            u[row * 4] = a;
            u[row * 4 + 1] = (a + b + c) / 2;
            u[row * 4 + 2] = (a - b + c) / 2;
            u[row * 4 + 3] = c;
        }
        return u;
    }

    void run(float[] in, float[] residual, float[] out, int batch, WorkerPool pool, MicroKernel kernel, ConvScratch[] scratch) {
        int tiles = batch * tilesH * tilesW;
        GemmConvolution.requireRows(kernel, r, op);
        int t = kernel.cols();
        int splits = 1;
        int rowsPerTask;
        int blockTiles;
        int blocks;
        while (true) {
            rowsPerTask = ((paddedRows + splits - 1) / splits + r - 1) / r * r;
            blockTiles = Math.max(t, Math.min(MAX_BLOCK_TILES, PRODUCT_BUDGET / (16 * rowsPerTask) / t * t));
            blocks = (tiles + blockTiles - 1) / blockTiles;
            if (blocks * splits >= 2 * pool.threads() || rowsPerTask <= 4 * r) {
                break;
            }
            splits *= 2;
        }
        int rowSplits = splits;
        int taskRows = rowsPerTask;
        int taskTiles = blockTiles;
        pool.run(blocks * rowSplits, (task, worker) -> {
            int first = task / rowSplits * taskTiles;
            int row0 = task % rowSplits * taskRows;
            if (row0 < paddedRows) {
                block(in, residual, out, first, Math.min(taskTiles, tiles - first), row0, Math.min(paddedRows, row0 + taskRows),
                        kernel, scratch[worker]);
            }
        });
    }

    private void block(float[] in, float[] residual, float[] out, int first, int count, int row0, int row1,
                       MicroKernel kernel, ConvScratch scratch) {
        int t = kernel.cols();
        int width = (count + t - 1) / t * t; // the block's tiles, padded to whole panels
        int panels = width / t;
        // The 16 matrices V_xi (and M_xi) lie one cache line further apart than their size: packed back to back
        // (often a multiple of 4 KiB), the 16 streams the transforms write (and read) fell into the same L1 sets.
        int vStride = panels * inC * t + SKEW;
        float[] v = scratch.transformedInput(16 * vStride);
        transformInputs(in, first, count, width, t, v, vStride, scratch);
        int rows = row1 - row0;
        int mStride = rows * width + SKEW;
        float[] products = scratch.products(16 * mStride);
        for (int xi = 0; xi < 16; xi++) {
            float[] u = transformedWeights[xi];
            for (int k0 = 0; k0 < inC; k0 += GemmConvolution.KC) {
                int kc = Math.min(GemmConvolution.KC, inC - k0);
                for (int p = 0; p < panels; p++) {
                    int panel = xi * vStride + (p * inC + k0) * t;
                    for (int m = row0; m < row1; m += r) {
                        kernel.tile(u, paddedRows * k0 + m * kc, v, panel, kc, products, xi * mStride + (m - row0) * width + p * t,
                                width, k0 > 0, zeros, 0);
                    }
                }
            }
        }
        transformOutputs(products, mStride, width, first, count, row0, Math.min(row1, outC), residual, out,
                scratch.outputTiles());
    }

    /**
     * V = B^T d B for every tile of the block and every input channel; V_xi's column j (tile first + j) lands in
     * t-column panel j / t as the micro-kernel reads B: index xi * stride + ((j / t) * inC + c) * t + j % t.
     * Per run of tiles in one tile row and per channel, the four input rows under the run are moved into scratch
     * rows (zeros outside the input) and combined down the columns (B^T d) in one loop over the run, which C2
     * compiles to SIMD; the combinations along each tile's columns ((B^T d) B) are then stored tile by tile.
     */
    private void transformInputs(float[] in, int first, int count, int width, int t, float[] v, int stride,
                                 ConvScratch scratch) {
        for (int done = 0; done < count; ) {
            int tile = first + done;
            int n = tile / (tilesH * tilesW);
            int top = tile % (tilesH * tilesW) / tilesW * 2 - padH;
            int tw = tile % tilesW;
            int run = Math.min(count - done, tilesW - tw);
            int left = tw * 2 - padW;
            int span = 2 * run + 2; // input columns under the run's tiles
            float[][] d = scratch.inputRows(span);
            for (int c = 0; c < inC; c++) {
                int plane = (n * inC + c) * inH * inW;
                for (int y = 0; y < 4; y++) {
                    copyRowPadded(in, plane, top + y, left, span, d[y]);
                }
                float[] d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3];
                for (int x = 0; x < span; x++) {
                    float a = d0[x], b = d1[x], e = d2[x], f = d3[x];
                    d0[x] = a - e;
                    d1[x] = b + e;
                    d2[x] = e - b;
                    d3[x] = b - f;
                }
                for (int i = 0; i < run; i++) {
                    int j = done + i;
                    int at = ((j / t) * inC + c) * t + j % t;
                    for (int y = 0; y < 4; y++) {
                        float[] row = d[y];
                        float a = row[2 * i], b = row[2 * i + 1], cc = row[2 * i + 2], e = row[2 * i + 3];
                        v[at + (y * 4) * stride] = a - cc;
                        v[at + (y * 4 + 1) * stride] = b + cc;
                        v[at + (y * 4 + 2) * stride] = cc - b;
                        v[at + (y * 4 + 3) * stride] = b - e;
                    }
                }
            }
            done += run;
        }
        // The block's last panel may hold fewer tiles than it is wide: its other columns are zeros.
        for (int j = count; j < width; j++) {
            for (int c = 0; c < inC; c++) {
                int at = ((j / t) * inC + c) * t + j % t;
                for (int xi = 0; xi < 16; xi++) {
                    v[at + xi * stride] = 0f;
                }
            }
        }
    }

    /** dst[0, span) = input row iy of the plane from column left on, zeros where that lies outside the input. */
    private void copyRowPadded(float[] in, int plane, int iy, int left, int span, float[] dst) {
        if (iy < 0 || iy >= inH) {
            Arrays.fill(dst, 0, span, 0f);
            return;
        }
        int from = Math.max(0, -left);
        int to = Math.max(from, Math.min(span, inW - left));
        Arrays.fill(dst, 0, from, 0f);
        System.arraycopy(in, plane + iy * inW + left + from, dst, from, to - from);
        Arrays.fill(dst, to, span, 0f);
    }

    /**
     * Y = A^T M A per output channel for all the block's tiles at once, plus bias, in loops over the tiles that C2
     * compiles to SIMD (per tile, this was 17% of resnet18's time at batch 8 with scalar loops); then each run of
     * tiles in one tile row is laid into its two output rows, and residual and ReLU are applied along those rows.
     * Edge tiles store what fits; M_xi starts at xi * s.
     */
    private void transformOutputs(float[] products, int s, int width, int first, int count, int row0, int rowEnd,
                                  float[] residual, float[] out, float[][] y) {
        boolean relu = op.relu();
        float[] y00 = y[0], y01 = y[1], y10 = y[2], y11 = y[3];
        for (int k = row0; k < rowEnd; k++) {
            int m = (k - row0) * width;
            float b = bias[k];
            for (int j = 0; j < count; j++) {
                // A^T M: rows 0+1+2 and 1-2-3; then the same on columns.
                float m4 = products[m + 4 * s + j], m5 = products[m + 5 * s + j];
                float m6 = products[m + 6 * s + j], m7 = products[m + 7 * s + j];
                float m8 = products[m + 8 * s + j], m9 = products[m + 9 * s + j];
                float m10 = products[m + 10 * s + j], m11 = products[m + 11 * s + j];
                float t00 = products[m + j] + m4 + m8, t01 = products[m + s + j] + m5 + m9;
                float t02 = products[m + 2 * s + j] + m6 + m10, t03 = products[m + 3 * s + j] + m7 + m11;
                float t10 = m4 - m8 - products[m + 12 * s + j], t11 = m5 - m9 - products[m + 13 * s + j];
                float t12 = m6 - m10 - products[m + 14 * s + j], t13 = m7 - m11 - products[m + 15 * s + j];
                y00[j] = t00 + t01 + t02 + b;
                y01[j] = t01 - t02 - t03 + b;
                y10[j] = t10 + t11 + t12 + b;
                y11[j] = t11 - t12 - t13 + b;
            }
            for (int done = 0; done < count; ) {
                int tile = first + done;
                int n = tile / (tilesH * tilesW);
                int th = tile % (tilesH * tilesW) / tilesW;
                int tw = tile % tilesW;
                int run = Math.min(count - done, tilesW - tw);
                int length = Math.min(2 * run, outW - 2 * tw);
                for (int dy = 0; dy < 2 && 2 * th + dy < outH; dy++) {
                    float[] left = dy == 0 ? y00 : y10;
                    float[] right = dy == 0 ? y01 : y11;
                    int at = ((n * outC + k) * outH + 2 * th + dy) * outW + 2 * tw;
                    for (int i = 0; i < length / 2; i++) {
                        out[at + 2 * i] = left[done + i];
                        out[at + 2 * i + 1] = right[done + i];
                    }
                    if (length % 2 != 0) {
                        out[at + length - 1] = left[done + length / 2];
                    }
                    PlainKernels.epilogue(out, residual, at, length, relu);
                }
                done += run;
            }
        }
    }
}
