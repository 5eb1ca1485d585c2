package dev.jresnet.gpu.sim.math;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * cudnnConvolutionForward's math without the alpha/beta blend (the caller blends, see {@link Blend}):
 * <pre>
 *   y[n, k, p, q] = sum over c in k's group, r &lt; R, s &lt; S of
 *                   x[n, c, p*strideH - padH + r*dilationH, q*strideW - padW + s*dilationW] * w[k, c - first, r', s']
 * </pre>
 * with r' = r, s' = s in cross-correlation mode and r' = R-1-r, s' = S-1-s in convolution mode; x outside the input
 * reads as 0 (zero padding). The filter has dims (K, C/groups, R, S); output channel k belongs to group
 * k / (K/groups), whose input channels are [group*C/groups, (group+1)*C/groups) ("first" is the lowest).
 * <p>
 * Accumulation is in float, one product at a time, starting from +0 and taking the terms in (c, r, s) order, padding
 * terms (w * 0) included. float because that is what the GPU accumulates in for float data, so our rounding error is
 * of the same size as cuDNN's (double would be more exact than the thing simulated); a fixed order because it makes
 * {@link #forward} and {@link #plainForward} agree bit for bit: Java float arithmetic is IEEE round-to-nearest with no
 * fused multiply-add, and vectorised lanes round exactly like the scalar code.
 * <p>
 * {@link #forward} is the fast version: an im2col over the whole batch, each patch row (one tap, a block of output
 * positions) its own array, then a GEMM-like accumulation whose inner loops index every array at the same position,
 * the form the JIT vectorises. It runs along positions (four output channels' sums at a time, each plus its weight
 * times a patch row) or, when there are fewer positions than output channels, along channels (four positions' sums
 * at a time, each plus its input value times the tap's weights for a run of channels), in parallel over (group,
 * block of positions, block of output channels). Either way every sum takes its terms in the definition's order.
 */
public final class ConvolutionMath {
    /** Positions per block: four accumulator rows of this length stay in L1 while the patch rows stream past. */
    private static final int POSITIONS_PER_BLOCK = 256;
    /** Output channels per parallel task when vectorising along positions (in fours, the micro-kernel's width). */
    private static final int CHANNELS_PER_TASK = 16;
    /** Output channels per run (and per parallel task) when vectorising along channels. */
    private static final int CHANNELS_PER_RUN = 128;
    /** At most this many patch elements exist at once; a larger batch is processed in slices of positions. */
    private static final long PATCH_BUDGET = 1L << 23;

    private ConvolutionMath() {
    }

    /** The definition, as nested loops; the reference {@link #forward} is held to. Writes only y's elements. */
    public static void plainForward(float[] x, Strided4d xl, float[] w, Strided4d wl, ConvGeometry g, float[] y, Strided4d yl) {
        Problem pb = Problem.of(x, xl, w, wl, g, y, yl);
        for (int n = 0; n < pb.batch; n++) {
            for (int k = 0; k < pb.outChannels; k++) {
                int firstChannel = k / pb.channelsOutPerGroup * pb.channelsInPerGroup;
                for (int p = 0; p < pb.outH; p++) {
                    for (int q = 0; q < pb.outW; q++) {
                        float sum = 0f;
                        for (int cg = 0; cg < pb.channelsInPerGroup; cg++) {
                            for (int r = 0; r < pb.kernelH; r++) {
                                int ih = p * g.strideH() - g.padH() + r * g.dilationH();
                                for (int s = 0; s < pb.kernelW; s++) {
                                    int iw = q * g.strideW() - g.padW() + s * g.dilationW();
                                    boolean inside = ih >= 0 && ih < xl.h() && iw >= 0 && iw < xl.w();
                                    float xv = inside ? x[(int) xl.index(n, firstChannel + cg, ih, iw)] : 0f;
                                    sum += xv * tapWeight(w, wl, pb, g.crossCorrelation(), k, cg, r, s);
                                }
                            }
                        }
                        y[(int) yl.index(n, k, p, q)] = sum;
                    }
                }
            }
        }
    }

    /** The same result as {@link #plainForward}, bit for bit, using both cores and vectorised loops. */
    public static void forward(float[] x, Strided4d xl, float[] w, Strided4d wl, ConvGeometry g, float[] y, Strided4d yl) {
        forward(x, xl, w, wl, g, y, yl, PATCH_BUDGET);
    }

    /** {@link #forward} with another cap on the patch elements held at once (tests use a small one to cut slices). */
    static void forward(float[] x, Strided4d xl, float[] w, Strided4d wl, ConvGeometry g, float[] y, Strided4d yl,
                        long patchBudget) {
        Problem pb = Problem.of(x, xl, w, wl, g, y, yl);
        int taps = pb.channelsInPerGroup * pb.kernelH * pb.kernelW;
        long positions = (long) pb.batch * pb.outH * pb.outW;
        int block = (int) Math.min(POSITIONS_PER_BLOCK, positions);
        // Vectorise along whichever is longer: a block of positions, or a run of output channels (few positions:
        // late layers at small sizes, where runs of 32 positions would spend their time in loop overhead).
        boolean acrossChannels = Math.min(pb.channelsOutPerGroup, CHANNELS_PER_RUN) > block;
        int runsPerGroup = (pb.channelsOutPerGroup + CHANNELS_PER_RUN - 1) / CHANNELS_PER_RUN;
        float[][][] channelRuns = acrossChannels ? channelRuns(w, wl, pb, g.groups(), g.crossCorrelation()) : null;
        float[] filter = acrossChannels ? null : filterRows(w, wl, pb, g.crossCorrelation());
        int channelTasks = acrossChannels ? runsPerGroup : (pb.channelsOutPerGroup + CHANNELS_PER_TASK - 1) / CHANNELS_PER_TASK;
        long budgetBlocks = Math.max(1, patchBudget / ((long) taps * block * g.groups()));
        long sliceLength = Math.min(positions, budgetBlocks * block);
        for (long sliceStart = 0; sliceStart < positions; sliceStart += sliceLength) {
            long start = sliceStart;
            int blocks = (int) ((Math.min(sliceLength, positions - start) + block - 1) / block);
            long sliceEnd = Math.min(positions, start + sliceLength);
            float[][][] patches = new float[g.groups() * blocks][][];
            IntStream.range(0, patches.length).parallel().forEach(i -> {
                long from = start + (long) (i % blocks) * block;
                patches[i] = patchRows(x, xl, g, pb, i / blocks, from, (int) (Math.min(sliceEnd, from + block) - from));
            });
            IntStream.range(0, patches.length * channelTasks).parallel().forEach(task -> {
                int i = task / channelTasks;
                int group = i / blocks;
                long from = start + (long) (i % blocks) * block;
                if (acrossChannels) {
                    int run = task % channelTasks;
                    int firstK = group * pb.channelsOutPerGroup + run * CHANNELS_PER_RUN;
                    accumulateAcrossChannels(patches[i], channelRuns[group * runsPerGroup + run], firstK, pb, from, y, yl);
                } else {
                    int firstK = group * pb.channelsOutPerGroup + task % channelTasks * CHANNELS_PER_TASK;
                    int endK = Math.min((group + 1) * pb.channelsOutPerGroup, firstK + CHANNELS_PER_TASK);
                    accumulateAcrossPositions(patches[i], filter, taps, firstK, endK, pb, from, y, yl);
                }
            });
        }
    }

    /** The weight output channel k applies at tap (c, r, s): the filter flipped in both dims for convolution mode. */
    private static float tapWeight(float[] w, Strided4d wl, Problem pb, boolean crossCorrelation, int k, int c, int r, int s) {
        int fr = crossCorrelation ? r : pb.kernelH - 1 - r;
        int fs = crossCorrelation ? s : pb.kernelW - 1 - s;
        return w[(int) wl.index(k, c, fr, fs)];
    }

    /** The filter as one row of taps per output channel, in (c, r, s) order, flipped for convolution mode. */
    private static float[] filterRows(float[] w, Strided4d wl, Problem pb, boolean crossCorrelation) {
        int taps = pb.channelsInPerGroup * pb.kernelH * pb.kernelW;
        float[] rows = new float[pb.outChannels * taps];
        int i = 0;
        for (int k = 0; k < pb.outChannels; k++) {
            for (int c = 0; c < pb.channelsInPerGroup; c++) {
                for (int r = 0; r < pb.kernelH; r++) {
                    for (int s = 0; s < pb.kernelW; s++) {
                        rows[i++] = tapWeight(w, wl, pb, crossCorrelation, k, c, r, s);
                    }
                }
            }
        }
        return rows;
    }

    /**
     * im2col of one group for output positions [from, from + length) of the batch (position = (n*outH + p)*outW + q):
     * row (c, r, s) holds the input each position multiplies with tap (c, r, s), 0 where it falls in the padding.
     */
    private static float[][] patchRows(float[] x, Strided4d xl, ConvGeometry g, Problem pb, int group, long from, int length) {
        float[][] rows = new float[pb.channelsInPerGroup * pb.kernelH * pb.kernelW][length];
        int j = 0;
        while (j < length) {
            long position = from + j;
            int n = pb.image(position);
            int p = pb.row(position);
            int q0 = pb.column(position);
            int run = Math.min(pb.outW - q0, length - j);
            int tap = 0;
            for (int cg = 0; cg < pb.channelsInPerGroup; cg++) {
                int c = group * pb.channelsInPerGroup + cg;
                for (int r = 0; r < pb.kernelH; r++) {
                    int ih = p * g.strideH() - g.padH() + r * g.dilationH();
                    boolean rowInside = ih >= 0 && ih < xl.h();
                    for (int s = 0; s < pb.kernelW; s++, tap++) {
                        if (!rowInside) {
                            continue; // the row stays 0
                        }
                        float[] row = rows[tap];
                        long base = xl.index(n, c, ih, 0);
                        for (int q = q0; q < q0 + run; q++) {
                            int iw = q * g.strideW() - g.padW() + s * g.dilationW();
                            if (iw >= 0 && iw < xl.w()) {
                                row[j + q - q0] = x[(int) (base + iw * xl.wStride())];
                            }
                        }
                    }
                }
            }
            j += run;
        }
        return rows;
    }

    /** Output channels [firstK, endK) for the positions of one patch block, vectorised along the positions. */
    private static void accumulateAcrossPositions(float[][] patch, float[] filter, int taps, int firstK, int endK,
                                                  Problem pb, long from, float[] y, Strided4d yl) {
        int length = patch[0].length;
        float[] a0 = new float[length];
        float[] a1 = new float[length];
        float[] a2 = new float[length];
        float[] a3 = new float[length];
        int k = firstK;
        for (; k + 4 <= endK; k += 4) {
            Arrays.fill(a0, 0f);
            Arrays.fill(a1, 0f);
            Arrays.fill(a2, 0f);
            Arrays.fill(a3, 0f);
            int f = k * taps;
            for (int t = 0; t < taps; t++) {
                accumulate4(a0, a1, a2, a3, patch[t], filter[f + t], filter[f + taps + t], filter[f + 2 * taps + t],
                        filter[f + 3 * taps + t], length);
            }
            storePositions(a0, k, pb, from, y, yl);
            storePositions(a1, k + 1, pb, from, y, yl);
            storePositions(a2, k + 2, pb, from, y, yl);
            storePositions(a3, k + 3, pb, from, y, yl);
        }
        for (; k < endK; k++) {
            Arrays.fill(a0, 0f);
            int f = k * taps;
            for (int t = 0; t < taps; t++) {
                accumulate1(a0, patch[t], filter[f + t], length);
            }
            storePositions(a0, k, pb, from, y, yl);
        }
    }

    /**
     * The filter regrouped for vectorising along channels: for each group's run of up to CHANNELS_PER_RUN output
     * channels, one array per tap (in (c, r, s) order, flipped for convolution mode) holding that tap's weight for
     * each channel of the run. Runs are built in parallel: at few positions this regrouping is a large part of the work.
     */
    private static float[][][] channelRuns(float[] w, Strided4d wl, Problem pb, int groups, boolean crossCorrelation) {
        int runsPerGroup = (pb.channelsOutPerGroup + CHANNELS_PER_RUN - 1) / CHANNELS_PER_RUN;
        int taps = pb.channelsInPerGroup * pb.kernelH * pb.kernelW;
        float[][][] runs = new float[groups * runsPerGroup][][];
        IntStream.range(0, runs.length).parallel().forEach(index -> {
            int group = index / runsPerGroup;
            int firstK = group * pb.channelsOutPerGroup + index % runsPerGroup * CHANNELS_PER_RUN;
            int length = Math.min(CHANNELS_PER_RUN, (group + 1) * pb.channelsOutPerGroup - firstK);
            float[][] rows = new float[taps][length];
            for (int i = 0; i < length; i++) {
                int t = 0;
                for (int c = 0; c < pb.channelsInPerGroup; c++) {
                    for (int r = 0; r < pb.kernelH; r++) {
                        for (int s = 0; s < pb.kernelW; s++) {
                            rows[t++][i] = tapWeight(w, wl, pb, crossCorrelation, firstK + i, c, r, s);
                        }
                    }
                }
            }
            runs[index] = rows;
        });
        return runs;
    }

    /**
     * One run of output channels starting at firstK for the positions of one patch block, vectorised along the
     * channels: four positions at a time, each tap's channel weights scaled by the four positions' inputs.
     */
    private static void accumulateAcrossChannels(float[][] patch, float[][] run, int firstK, Problem pb, long from,
                                                 float[] y, Strided4d yl) {
        int positions = patch[0].length;
        int length = run[0].length;
        int taps = run.length;
        float[] a0 = new float[length];
        float[] a1 = new float[length];
        float[] a2 = new float[length];
        float[] a3 = new float[length];
        int j = 0;
        for (; j + 4 <= positions; j += 4) {
            Arrays.fill(a0, 0f);
            Arrays.fill(a1, 0f);
            Arrays.fill(a2, 0f);
            Arrays.fill(a3, 0f);
            for (int t = 0; t < taps; t++) {
                float[] p = patch[t];
                accumulate4(a0, a1, a2, a3, run[t], p[j], p[j + 1], p[j + 2], p[j + 3], length);
            }
            storeChannels(a0, firstK, pb, from + j, y, yl);
            storeChannels(a1, firstK, pb, from + j + 1, y, yl);
            storeChannels(a2, firstK, pb, from + j + 2, y, yl);
            storeChannels(a3, firstK, pb, from + j + 3, y, yl);
        }
        for (; j < positions; j++) {
            Arrays.fill(a0, 0f);
            for (int t = 0; t < taps; t++) {
                accumulate1(a0, run[t], patch[t][j], length);
            }
            storeChannels(a0, firstK, pb, from + j, y, yl);
        }
    }

    /**
     * Four output channels' running sums plus their weight times one patch row. Every array is indexed at i with
     * no offset: the form C2's SuperWord vectorises (offsets into a shared array keep it scalar).
     */
    private static void accumulate4(float[] a0, float[] a1, float[] a2, float[] a3, float[] row,
                                    float w0, float w1, float w2, float w3, int length) {
        for (int i = 0; i < length; i++) {
            float v = row[i];
            a0[i] += w0 * v;
            a1[i] += w1 * v;
            a2[i] += w2 * v;
            a3[i] += w3 * v;
        }
    }

    private static void accumulate1(float[] a, float[] row, float w, int length) {
        for (int i = 0; i < length; i++) {
            a[i] += w * row[i];
        }
    }

    /** One output channel's sums for positions [from, from + sums.length) into y at yl. */
    private static void storePositions(float[] sums, int k, Problem pb, long from, float[] y, Strided4d yl) {
        int j = 0;
        while (j < sums.length) {
            long position = from + j;
            int n = pb.image(position);
            int p = pb.row(position);
            int q0 = pb.column(position);
            int run = Math.min(pb.outW - q0, sums.length - j);
            long base = yl.index(n, k, p, 0);
            for (int q = q0; q < q0 + run; q++) {
                y[(int) (base + q * yl.wStride())] = sums[j + q - q0];
            }
            j += run;
        }
    }

    /** Channels [firstK, firstK + sums.length) of one output position into y at yl. */
    private static void storeChannels(float[] sums, int firstK, Problem pb, long position, float[] y, Strided4d yl) {
        int n = pb.image(position);
        int p = pb.row(position);
        int q = pb.column(position);
        for (int i = 0; i < sums.length; i++) {
            y[(int) yl.index(n, firstK + i, p, q)] = sums[i];
        }
    }

    /** The sizes of one call, checked against each other as cudnnConvolutionForward checks its descriptors. */
    private record Problem(int batch, int outChannels, int channelsInPerGroup, int channelsOutPerGroup, int kernelH,
                           int kernelW, int outH, int outW) {
        static Problem of(float[] x, Strided4d xl, float[] w, Strided4d wl, ConvGeometry g, float[] y, Strided4d yl) {
            if (xl.isEmpty() || wl.isEmpty()) {
                throw new IllegalArgumentException("empty input " + xl.dimsString() + " or filter " + wl.dimsString());
            }
            if ((long) wl.c() * g.groups() != xl.c()) {
                throw new IllegalArgumentException("filter " + wl.dimsString() + " with " + g.groups()
                        + " groups does not fit input " + xl.dimsString() + ": filter C * groups must equal input C");
            }
            if (wl.n() % g.groups() != 0) {
                throw new IllegalArgumentException("filter K " + wl.n() + " is not a multiple of groups " + g.groups());
            }
            int outH = g.outputHeight(xl.h(), wl.h());
            int outW = g.outputWidth(xl.w(), wl.w());
            if (outH < 1 || outW < 1) {
                throw new IllegalArgumentException("filter " + wl.dimsString() + " dilated by " + g.dilationH() + ", "
                        + g.dilationW() + " does not fit input " + xl.dimsString() + " padded by " + g.padH() + ", " + g.padW());
            }
            if (yl.n() != xl.n() || yl.c() != wl.n() || yl.h() != outH || yl.w() != outW) {
                throw new IllegalArgumentException("output " + yl.dimsString() + " should be (" + xl.n() + ", " + wl.n()
                        + ", " + outH + ", " + outW + ") for input " + xl.dimsString() + ", filter " + wl.dimsString()
                        + " and " + g);
            }
            xl.requireFits(x, "x");
            wl.requireFits(w, "w");
            yl.requireFits(y, "y");
            return new Problem(xl.n(), wl.n(), wl.c(), wl.n() / g.groups(), wl.h(), wl.w(), outH, outW);
        }

        /** Output positions number the batch's outputs (n, p, q) as (n*outH + p)*outW + q; these take them apart. */
        int image(long position) {
            return (int) (position / ((long) outH * outW));
        }

        int row(long position) {
            return (int) (position % ((long) outH * outW) / outW);
        }

        int column(long position) {
            return (int) (position % outW);
        }
    }
}
