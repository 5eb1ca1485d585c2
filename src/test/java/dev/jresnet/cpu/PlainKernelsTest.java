package dev.jresnet.cpu;

import dev.jresnet.model.AvgPoolSpec;
import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.PaddingMode;
import dev.jresnet.model.PoolSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-checked cases for the reference kernels; whole networks are held to torchvision in TorchvisionParityTest. */
class PlainKernelsTest {
    private final PlainKernels k = new PlainKernels();
    private static final float[] ONE_TO_NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private float[] conv(ConvSpec spec, Shape in, float[] x, float[] w, float[] bias, float[] residual, boolean relu) {
        Shape out = spec.outputShape(in);
        PlanOp.ConvOp op = new PlanOp.ConvOp("c", 0, 1, residual == null ? PlanOp.NO_BUFFER : 2, in, out, spec, w, bias, relu);
        float[] y = new float[(int) out.elements()];
        k.conv(op, x, residual, y, 1);
        return y;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1);
        return a;
    }

    @Test
    void threeByThreeBoxFilterSumsNeighbourhoods() {
        // 1 2 3 / 4 5 6 / 7 8 9 with zero padding 1: corners sum 4 cells, edges 6, the centre all 9.
        float[] y = conv(ConvSpec.square(1, 1, 3, 1, 1, 1, 1, false), new Shape(1, 3, 3), ONE_TO_NINE, ones(9), null, null, false);
        assertArrayEquals(new float[]{12, 21, 16, 27, 45, 33, 24, 39, 28}, y);
    }

    @Test
    void strideTwoKeepsEveryOtherWindowAndDilationSpreadsTheTaps() {
        float[] strided = conv(ConvSpec.square(1, 1, 3, 2, 1, 1, 1, false), new Shape(1, 3, 3), ONE_TO_NINE, ones(9), null, null, false);
        assertArrayEquals(new float[]{12, 16, 24, 28}, strided);
        // dilation 2, padding 2: output (0,0) reads rows/cols {-2, 0, 2}: 1 + 3 + 7 + 9; output (1,1) only the centre.
        float[] dilated = conv(ConvSpec.square(1, 1, 3, 1, 2, 2, 1, false), new Shape(1, 3, 3), ONE_TO_NINE, ones(9), null, null, false);
        assertEquals(20, dilated[0]);
        assertEquals(5, dilated[4]);
        assertEquals(4 + 6, dilated[3]); // (1,0): rows {-1,1,3} -> 1, cols {-2,0,2} -> 0 and 2: x(1,0) + x(1,2)
    }

    @Test
    void groupsKeepChannelsApartAndTheEpilogueAddsBiasResidualAndRelu() {
        float[] x = {1, -2, 3, 4}; // channel 0: {1, -2}, channel 1: {3, 4}
        float[] y = conv(ConvSpec.square(2, 2, 1, 1, 0, 1, 2, true), new Shape(2, 1, 2), x, new float[]{2, 3},
                new float[]{0.5f, -20}, new float[]{1, 1, 1, 1}, true);
        // channel 0: relu(2x + 0.5 + 1) = {3.5, 0}; channel 1: relu(3x - 20 + 1) = {0, 0}
        assertArrayEquals(new float[]{3.5f, 0, 0, 0}, y);
    }

    @Test
    void maxPoolHonoursCeilModeAndPropagatesNaN() {
        float[] x = new float[25];
        for (int i = 0; i < 25; i++) {
            x[i] = i + 1;
        }
        Shape in = new Shape(1, 5, 5);
        PoolSpec floor = new PoolSpec(2, 2, 0, 1, false);
        PoolSpec ceil = new PoolSpec(2, 2, 0, 1, true);
        assertArrayEquals(new float[]{7, 9, 17, 19}, pool(floor, in, x));
        assertArrayEquals(new float[]{7, 9, 10, 17, 19, 20, 22, 24, 25}, pool(ceil, in, x));
        x[0] = Float.NaN;
        assertTrue(Float.isNaN(pool(floor, in, x)[0]));
    }

    private float[] pool(PoolSpec spec, Shape in, float[] x) {
        Shape out = spec.outputShape(in);
        float[] y = new float[(int) out.elements()];
        k.maxPool(new PlanOp.MaxPoolOp("p", 0, 1, in, out, spec), x, y, 1);
        return y;
    }

    @Test
    void batchNormAveragePoolAndLinearFollowTheirFormulas() {
        Shape s = new Shape(1, 1, 2);
        float[] y = new float[2];
        // (x - 1) / sqrt(3 + 1) * 4 + 0.5
        k.batchNorm(new PlanOp.BatchNormOp("b", 0, 1, s, new float[]{4}, new float[]{0.5f}, new float[]{1}, new float[]{3}, 1),
                new float[]{3, -1}, y, 1);
        assertArrayEquals(new float[]{4.5f, -3.5f}, y);

        float[] mean = new float[1];
        k.globalAvgPool(new PlanOp.GlobalAvgPoolOp("g", 0, 1, new Shape(1, 3, 3)), ONE_TO_NINE, mean, 1);
        assertArrayEquals(new float[]{5}, mean);

        float[] out = new float[2];
        k.linear(new PlanOp.LinearOp("l", 0, 1, 2, 2, new float[]{1, 1, 2, -1}, new float[]{0.5f, 0}), new float[]{1, 2}, out, 1);
        assertArrayEquals(new float[]{3.5f, 0}, out);
    }

    @Test
    void paddingModesFollowFPad() {
        // One row 1 2 3, padded by 2 on the left and right.
        float[] row = {1, 2, 3};
        assertArrayEquals(new float[]{3, 2, 1, 2, 3, 2, 1}, pad(row, PaddingMode.REFLECT));
        assertArrayEquals(new float[]{1, 1, 1, 2, 3, 3, 3}, pad(row, PaddingMode.REPLICATE));
        assertArrayEquals(new float[]{2, 3, 1, 2, 3, 1, 2}, pad(row, PaddingMode.CIRCULAR));
        assertArrayEquals(new float[]{0, 0, 1, 2, 3, 0, 0}, pad(row, PaddingMode.ZEROS));
    }

    private float[] pad(float[] row, PaddingMode mode) {
        Shape in = new Shape(1, 1, row.length);
        Shape out = new Shape(1, 1, row.length + 4);
        float[] y = new float[(int) out.elements()];
        k.pad(new PlanOp.PadOp("p", 0, 1, in, out, 0, 0, 2, 2, mode), row, y, 1);
        return y;
    }

    @Test
    void averagePoolDividesAsPyTorchDoesAtTheEdges() {
        // 1..9 as 3x3, kernel 2, stride 2, ceil mode: windows {1,2,4,5}, {3,6}, {7,8}, {9}; each divided by its own size.
        Shape in = new Shape(1, 3, 3);
        AvgPoolSpec ceil = new AvgPoolSpec(2, 2, 0, true, true);
        float[] y = new float[4];
        k.avgPool(new PlanOp.AvgPoolOp("a", 0, 1, in, ceil.outputShape(in), ceil), ONE_TO_NINE, y, 1);
        assertArrayEquals(new float[]{3, 4.5f, 7.5f, 9}, y);
        // kernel 3, stride 1, padding 1: the corner window holds {1,2,4,5} and 5 padding zeros.
        AvgPoolSpec padded = new AvgPoolSpec(3, 1, 1, false, true);
        AvgPoolSpec excluded = new AvgPoolSpec(3, 1, 1, false, false);
        float[] with = new float[9];
        float[] without = new float[9];
        k.avgPool(new PlanOp.AvgPoolOp("a", 0, 1, in, padded.outputShape(in), padded), ONE_TO_NINE, with, 1);
        k.avgPool(new PlanOp.AvgPoolOp("a", 0, 1, in, excluded.outputShape(in), excluded), ONE_TO_NINE, without, 1);
        assertEquals(12f / 9, with[0], 1e-6);
        assertEquals(12f / 4, without[0], 1e-6);
    }

    @Test
    void optionAShortcutSubsamplesAndZeroPadsChannels() {
        // 1 channel of 1..9 (3x3), stride 2, padded to 3 channels with one in front: [0, subsampled, 0].
        Shape in = new Shape(1, 3, 3);
        Shape out = new Shape(3, 2, 2);
        float[] y = new float[12];
        Arrays.fill(y, 7); // stale data must be cleared
        k.channelPad(new PlanOp.ChannelPadOp("s", 0, 1, in, out, 2, 1), ONE_TO_NINE, y, 1);
        assertArrayEquals(new float[]{0, 0, 0, 0, 1, 3, 7, 9, 0, 0, 0, 0}, y);
    }
}
