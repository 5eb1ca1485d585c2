package dev.jresnet.cpu;

import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

import java.util.Arrays;

/**
 * One convolution as a cache-blocked GEMM per image and group, C (out channels x pixels) = A (out channels x
 * in channels*kh*kw, the weights, packed once here) * B, where B (im2col) is never materialised whole: each
 * tile of it, as wide as the micro-kernel's (16 or 32 columns), is gathered into a small panel just before use.
 *
 * <p>How B is addressed: the input is first copied, zero-padded, into {@code stride x stride} phase planes per
 * channel (phase (a, b) holds padded pixels (y*s + a, x*s + b)). Output pixel (oh, ow) then reads, for kernel tap
 * (kh, kw), phase ((kh*d) % s, (kw*d) % s) at (oh + kh*d / s, ow + kw*d / s): for a fixed tap the pixels of one
 * output row are consecutive floats of one plane, at a fixed offset per tap (a table per conv). The GEMM's columns
 * are the output pixels; a tile's pixels are one or a few runs of an output row, each gathered with one copy per
 * tap. Stride 1 needs one phase, stride 2 as many of the four as the kernel touches; a 1x1 stride-2 shortcut one.
 *
 * <p>Blocking: a task owns a block of columns ({@link #NC}, or as many as keep its partial sums, rows x columns, at
 * 128 KiB when the reduction is deeper than one chunk) and all of a group's output rows, or a share of them when
 * there would be too few tasks for the threads. Per {@link #KC}-deep chunk of the reduction it gathers its columns
 * of B into panels (up to 256 KiB, in L2), reading the source in order, one channel plane after another; then it
 * runs the micro-kernel row panel by row panel of A (4 or 8 rows, the micro-kernel's), across all its columns, so
 * the output is written a few rows at a time, each in order. (Tile by tile, every row panel at once, the source
 * and the output were each touched in as many places as there are channels: reads and writes that no prefetcher
 * follows.) The first chunk starts from the bias; after the last, each tile (still in L1) gets the residual and
 * ReLU. Tiles sum in the output itself where their columns lie in one image, else in the task's accumulators, from
 * which they are then stored.
 */
final class GemmConvolution {
    /** Reduction depth per pass: a task's B panels, KC x its columns, are at most KC x NC floats (256 KiB). */
    static final int KC = 256;
    /** Columns per task at most, a multiple of every tile width (16, 32). */
    static final int NC = 256;
    /** A task's accumulator block, rows x columns floats (128 KiB): it stays in L2. */
    static final int ACCUMULATORS = 32 * 1024;

    private final PlanOp.ConvOp op;
    /** The micro-kernel's tile rows: A is packed in panels of this many rows. */
    private final int r;
    private final int groups, rowsPerGroup, paddedRows, depth, inC, inH, inW, outC, outH, outW;
    private final int stride, phaseH, phaseW, phases, phasePlane, imageStride;
    /** phaseIndex[a * stride + b]: where phase (a, b) is stored among the channel's phases, -1 when unused. */
    private final int[] phaseIndex;
    /** Row k of B (in one group) starts this many floats after the grid column's position in the phase copy. */
    private final int[] offsets;
    /** Per group: chunk k0 at paddedRows*k0; in it, row panel p at p*r*kc; element (k, i) at k*r + i. */
    private final float[][] packedWeights;
    /** The bias padded to whole row panels (zeros without a bias). */
    private final float[] paddedBias;

    /** @param tileRows the rows of the micro-kernel that will run it ({@link MicroKernel#rows()}) */
    GemmConvolution(PlanOp.ConvOp op, int tileRows) {
        this.op = op;
        this.r = tileRows;
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
        paddedRows = (rowsPerGroup + r - 1) / r * r;
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
            packedWeights[g] = packRows(op.weight(), g * rowsPerGroup, rowsPerGroup, paddedRows, depth, r);
        }
        paddedBias = new float[groups * paddedRows];
        for (int g = 0; g < groups && op.bias() != null; g++) {
            System.arraycopy(op.bias(), g * rowsPerGroup, paddedBias, g * paddedRows, rowsPerGroup);
        }
    }

    /**
     * Packs rows [first, first + rows) of a row-major matrix (depth columns) as the micro-kernel's A operand: per
     * {@link #KC}-deep chunk k0 (at paddedRows * k0), panels of {@code r} rows (panel p at p * r * kc) holding
     * element (k, i) at k * r + i; the rows past {@code rows} up to {@code paddedRows} (a multiple of r) are zeros.
     */
    static float[] packRows(float[] matrix, int first, int rows, int paddedRows, int depth, int r) {
        float[] packed = new float[paddedRows * depth];
        for (int k0 = 0; k0 < depth; k0 += KC) {
            int kc = Math.min(KC, depth - k0);
            for (int m = 0; m < rows; m++) {
                int src = (first + m) * depth + k0;
                int dst = paddedRows * k0 + (m / r) * r * kc + m % r;
                for (int k = 0; k < kc; k++) {
                    packed[dst + k * r] = matrix[src + k];
                }
            }
        }
        return packed;
    }

    /** A kernel of another height would read the packed weights wrongly: refused, not run. */
    static void requireRows(MicroKernel kernel, int packedRows, PlanOp.ConvOp op) {
        if (kernel.rows() != packedRows) {
            throw new IllegalArgumentException(op.name() + ": weights packed for " + packedRows + "-row tiles, run with a "
                    + kernel.rows() + "-row micro-kernel (" + kernel.description() + ")");
        }
    }

    /** Floats of the phase copy for a batch: none where the input is already laid out as its one phase. */
    int phaseCopySize(int batch) {
        return needsPhaseCopy() ? batch * imageStride : 0;
    }

    /**
     * Stride 1 without padding (every 1x1 stride-1 convolution) has one phase, the input itself: B is gathered from
     * the input directly, which saves a pass over it.
     */
    private boolean needsPhaseCopy() {
        ConvSpec s = op.spec();
        return stride != 1 || s.padH() != 0 || s.padW() != 0;
    }


    /** How a batch's GEMM is cut into tasks: row splits of rowsPerTask rows, colBlocks blocks of blockColumns. */
    private record Blocking(int rowSplits, int rowsPerTask, int blockColumns, int colBlocks) {
    }

    /**
     * The columns are the output pixels of the whole batch, image after image: small late layers (7x7) then still
     * fill whole tiles. A task owns a block of columns and, normally, every output row, so each panel of B is
     * gathered once; only when that leaves too few tasks for the threads (batch 1, late layers) are the rows split
     * too, and then B is gathered once beforehand, for all of them ({@link #sharedPanelsSize}).
     */
    private Blocking blocking(int batch, int t, int threads) {
        int columns = batch * outH * outW;
        int splits = 1;
        while (true) {
            int rowsPerTask = ((paddedRows + splits - 1) / splits + r - 1) / r * r;
            // A reduction of one chunk keeps no partial sums between chunks; deeper ones keep the block's in L2.
            int blockColumns = depth <= KC ? NC : Math.max(t, Math.min(NC, ACCUMULATORS / rowsPerTask / t * t));
            int colBlocks = (columns + blockColumns - 1) / blockColumns;
            boolean fits = depth <= KC || rowsPerTask * t <= ACCUMULATORS; // a tile's column for every row of the task
            if (fits && (groups * colBlocks * splits >= 2 * threads || rowsPerTask <= 4 * r)) {
                return new Blocking(splits, rowsPerTask, blockColumns, colBlocks);
            }
            splits *= 2;
        }
    }

    /**
     * Floats of B's panels gathered once for every row split (none where rows are not split, or in groups): every
     * column block's, all chunks deep. Each split gathering its own made two threads do four times one thread's
     * gathers in resnet's 14x14 and 7x7 layers at batch 1.
     */
    int sharedPanelsSize(int batch, MicroKernel kernel, int threads) {
        Blocking b = blocking(batch, kernel.cols(), threads);
        return groups == 1 && b.rowSplits() > 1 ? b.colBlocks() * b.blockColumns() * depth : 0;
    }

    /**
     * @param phaseCopy    at least {@link #phaseCopySize}(batch) floats, overwritten
     * @param sharedPanels at least {@link #sharedPanelsSize}(batch, kernel, threads) floats, overwritten
     * @param scratch      one per worker
     */
    void run(float[] in, float[] residual, float[] out, int batch, WorkerPool pool, MicroKernel kernel,
             float[] phaseCopy, float[] sharedPanels, ConvScratch[] scratch) {
        requireRows(kernel, r, op);
        if (needsPhaseCopy()) {
            pool.run(batch * inC, (plane, worker) -> copyPhases(in, plane, phaseCopy));
        }
        float[] source = needsPhaseCopy() ? phaseCopy : in;
        int columns = batch * outH * outW;
        int t = kernel.cols();
        Blocking b = blocking(batch, t, pool.threads());
        int rowSplits = b.rowSplits();
        int blockColumns = b.blockColumns();
        int blocks = b.colBlocks();
        float[] shared = sharedPanelsSize(batch, kernel, pool.threads()) > 0 ? sharedPanels : null;
        if (shared != null) {
            int chunks = (depth + KC - 1) / KC;
            pool.run(blocks * chunks, (task, worker) -> {
                int col0 = task / chunks * blockColumns;
                int k0 = task % chunks * KC;
                gather(source, 0, col0, Math.min(blockColumns, columns - col0), t, k0, Math.min(KC, depth - k0), shared,
                        task / chunks * blockColumns * depth + k0 * blockColumns, scratch[worker].runs);
            });
        }
        pool.run(groups * blocks * rowSplits, (task, worker) -> {
            int g = task / (blocks * rowSplits);
            int cb = task % (blocks * rowSplits) / rowSplits;
            int row0 = task % rowSplits * b.rowsPerTask();
            int col0 = cb * blockColumns;
            if (row0 < paddedRows) {
                block(source, shared, cb * blockColumns * depth, residual, out, g, col0,
                        Math.min(blockColumns, columns - col0), blockColumns, row0,
                        Math.min(paddedRows, row0 + b.rowsPerTask()), kernel, scratch[worker]);
            }
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

    /**
     * Columns [col0, col0 + cols) and rows [row0, row1) of group g. A tile whose columns are consecutive pixels of one
     * image and whose rows are all real output channels sums straight into the output (channel rows a plane apart)
     * and gets the residual and ReLU there after its last chunk, while it is in L1; the others (across two images,
     * past the last column or past the last channel) sum into the accumulators (rows ldc apart) and are stored from
     * there after their last chunk. Summing in the output saves a copy and a re-read of every activation.
     */
    private void block(float[] source, float[] shared, int sharedOff, float[] residual, float[] out, int g, int col0,
                       int cols, int ldc, int row0, int row1, MicroKernel kernel, ConvScratch scratch) {
        float[] a = packedWeights[g];
        float[] acc = scratch.accumulators;
        float[] panel = shared != null ? shared : scratch.bPanel;
        int t = kernel.cols();
        int plane = outH * outW;
        boolean relu = op.relu();
        for (int k0 = 0; k0 < depth; k0 += KC) {
            int kc = Math.min(KC, depth - k0);
            boolean last = k0 + kc == depth;
            int panelOff = shared != null ? sharedOff + k0 * ldc : 0; // ldc: the block's columns
            if (shared == null) {
                gather(source, g, col0, cols, t, k0, kc, panel, 0, scratch.runs);
            }
            for (int m = row0; m < row1; m += r) {
                int aOff = paddedRows * k0 + m * kc;
                for (int j = 0; j < cols; j += t) {
                    int count = Math.min(t, cols - j);
                    int column = col0 + j;
                    if (count == t && column % plane + t <= plane && m + r <= rowsPerGroup) {
                        int at = (column / plane * outC + g * rowsPerGroup + m) * plane + column % plane;
                        kernel.tile(a, aOff, panel, panelOff + j * kc, kc, out, at, plane, k0 > 0, paddedBias,
                                g * paddedRows + m);
                        if (last && (residual != null || relu)) {
                            kernel.finish(out, at, plane, residual, relu);
                        }
                    } else {
                        // One chunk: the tile is stored right away, so every tile can use the same accumulators.
                        int accLd = depth <= KC ? t : ldc;
                        int accOff = depth <= KC ? 0 : (m - row0) * ldc + j;
                        kernel.tile(a, aOff, panel, panelOff + j * kc, kc, acc, accOff, accLd, k0 > 0, paddedBias,
                                g * paddedRows + m);
                        if (last) {
                            store(acc, accOff, accLd, residual, out, g, column, count, m, Math.min(m + r, rowsPerGroup));
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs kc rows of B for the columns [column, column + count) as the micro-kernel reads them: t-column panels
     * (panel p at at + p * kc * t, row k at k * t in it), the last one padded with zeros (results never stored). The
     * columns split into runs that are consecutive in the source (within one output row of one image, or the whole
     * image where output rows are as long as the source's, as in a 1x1 stride-1 convolution) and in one panel; row
     * by row of B, each run is one copy, so the source is read in order, one channel plane after another.
     */
    private void gather(float[] source, int g, int column, int count, int t, int k0, int kc, float[] panel, int at,
                        int[] runs) {
        int plane = outH * outW;
        boolean rowsContinue = outW == phaseW;
        int runCount = 0;
        for (int done = 0; done < count; runCount++) {
            int n = (column + done) / plane;
            int pixel = (column + done) % plane;
            int oh = pixel / outW;
            int ow = pixel % outW;
            int run = Math.min(Math.min(count - done, t - done % t), rowsContinue ? plane - pixel : outW - ow);
            runs[3 * runCount] = n * imageStride + g * (inC / groups) * phases * phasePlane + oh * phaseW + ow;
            runs[3 * runCount + 1] = at + done / t * kc * t + done % t;
            runs[3 * runCount + 2] = run;
            done += run;
        }
        for (int k = 0; k < kc; k++) {
            int offset = offsets[k0 + k];
            for (int i = 0; i < runCount; i++) {
                System.arraycopy(source, runs[3 * i] + offset, panel, runs[3 * i + 1] + k * t, runs[3 * i + 2]);
            }
        }
        if (count % t != 0) {
            int last = at + count / t * kc * t;
            for (int k = 0; k < kc; k++) {
                Arrays.fill(panel, last + k * t + count % t, last + (k + 1) * t, 0f);
            }
        }
    }

    /**
     * Moves columns [column, column + count) of output rows [row0, row1) from the accumulators (row row0 at accOff,
     * rows ldc apart) to the output, adding the residual and applying ReLU on the way.
     */
    private void store(float[] acc, int accOff, int ldc, float[] residual, float[] out, int g, int column, int count,
                       int row0, int row1) {
        boolean relu = op.relu();
        int plane = outH * outW;
        for (int done = 0; done < count; ) {
            int n = (column + done) / plane;
            int pixel = (column + done) % plane;
            int run = Math.min(count - done, plane - pixel);
            for (int m = row0; m < row1; m++) {
                int dst = (n * outC + g * rowsPerGroup + m) * plane + pixel;
                // Copied first, so that the epilogue's loops index every array alike: C2 (JDK 17) compiles Math.max
                // to SIMD only then; reading acc at its own offset kept this loop scalar, 4x slower.
                System.arraycopy(acc, accOff + (m - row0) * ldc + done, out, dst, run);
                PlainKernels.epilogue(out, residual, dst, run, relu);
            }
            done += run;
        }
    }
}
