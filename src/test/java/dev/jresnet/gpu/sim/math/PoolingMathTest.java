package dev.jresnet.gpu.sim.math;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-computed pooling; PyTorch agreement on larger random cases is in TorchParityTest. */
class PoolingMathTest {
    private static final float[] ONE_TO_NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] pool(PoolingMode mode, boolean propagateNan, PoolingGeometry g, float[] x, int h, int w) {
        Strided4d xl = Strided4d.nchw(1, 1, h, w);
        Strided4d yl = Strided4d.nchw(1, 1, g.outputHeight(h), g.outputWidth(w));
        float[] y = new float[(int) yl.count()];
        PoolingMath.forward(mode, propagateNan, g, 1f, x, xl, 0f, y, yl);
        return y;
    }

    @Test
    void outputSizeIsCudnnsFormulaWithAFlooringDivision() {
        assertEquals(56, PoolingGeometry.outputSize(112, 1, 3, 2)); // 1 + (112 + 2 - 3) / 2 = 1 + 55
        assertEquals(1, PoolingGeometry.outputSize(7, 0, 7, 1));
        assertEquals(2, PoolingGeometry.outputSize(3, 1, 2, 2)); // 1 + 3 / 2
    }

    @Test
    void maxIgnoresPaddingEvenWhenEveryInputIsNegative() {
        // x(i, j) = -(3i + j + 1); a 3x3 window padded by 1: the best is the window's top-left input element.
        float[] x = new float[9];
        for (int i = 0; i < 9; i++) {
            x[i] = -(i + 1);
        }
        float[] y = pool(PoolingMode.MAX, true, new PoolingGeometry(3, 3, 1, 1, 1, 1), x, 3, 3);
        assertArrayEquals(new float[]{-1, -1, -2, -1, -1, -2, -4, -4, -5}, y);
    }

    @Test
    void averagesDivideByTheWindowOrByTheElementsInside() {
        // 2x2 windows, padding 1, stride 2 over 1..9: the windows hold {1}, {2, 3}, {4, 7} and {5, 6, 8, 9}.
        PoolingGeometry g = new PoolingGeometry(2, 2, 1, 1, 2, 2);
        assertArrayEquals(new float[]{1 / 4f, 5 / 4f, 11 / 4f, 28 / 4f}, pool(PoolingMode.AVERAGE_INCLUDE_PADDING, true, g, ONE_TO_NINE, 3, 3));
        assertArrayEquals(new float[]{1, 5 / 2f, 11 / 2f, 28 / 4f}, pool(PoolingMode.AVERAGE_EXCLUDE_PADDING, true, g, ONE_TO_NINE, 3, 3));
        assertArrayEquals(new float[]{1, 3, 7, 9}, pool(PoolingMode.MAX, true, g, ONE_TO_NINE, 3, 3));
    }

    @Test
    void windowsWithNothingInsideTheInputGiveMinusInfinityOrZero() {
        // A 1x1 window padded by 1 over a single pixel: only the centre output sees the input.
        PoolingGeometry g = new PoolingGeometry(1, 1, 1, 1, 1, 1);
        float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[]{inf, inf, inf, inf, 5, inf, inf, inf, inf}, pool(PoolingMode.MAX, true, g, new float[]{5}, 1, 1));
        float[] centreOnly = {0, 0, 0, 0, 5, 0, 0, 0, 0};
        assertArrayEquals(centreOnly, pool(PoolingMode.AVERAGE_EXCLUDE_PADDING, true, g, new float[]{5}, 1, 1));
        assertArrayEquals(centreOnly, pool(PoolingMode.AVERAGE_INCLUDE_PADDING, true, g, new float[]{5}, 1, 1));
    }

    @Test
    void maxPropagatesNanOrSkipsIt() {
        PoolingGeometry whole = new PoolingGeometry(2, 2, 0, 0, 1, 1);
        float[] x = {1, Float.NaN, 3, 4};
        assertArrayEquals(new float[]{Float.NaN}, pool(PoolingMode.MAX, true, whole, x, 2, 2));
        assertArrayEquals(new float[]{4}, pool(PoolingMode.MAX, false, whole, x, 2, 2));
        float[] allNan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        assertArrayEquals(new float[]{Float.NEGATIVE_INFINITY}, pool(PoolingMode.MAX, false, whole, allNan, 2, 2));
        // Averages are arithmetic: a NaN reaches the result whatever the option says.
        assertArrayEquals(new float[]{Float.NaN}, pool(PoolingMode.AVERAGE_EXCLUDE_PADDING, false, whole, x, 2, 2));
    }

    @Test
    void resultIsBlendedIntoTheOutputAndBetaZeroIgnoresWhatWasThere() {
        PoolingGeometry whole = new PoolingGeometry(3, 3, 0, 0, 1, 1); // max 9, average 5
        Strided4d xl = Strided4d.nchw(1, 1, 3, 3);
        Strided4d yl = Strided4d.nchw(1, 1, 1, 1);
        float[] y = {Float.NaN};
        PoolingMath.forward(PoolingMode.MAX, true, whole, 2f, ONE_TO_NINE, xl, 0f, y, yl);
        assertArrayEquals(new float[]{18}, y);
        y[0] = 10;
        PoolingMath.forward(PoolingMode.AVERAGE_INCLUDE_PADDING, true, whole, 2f, ONE_TO_NINE, xl, 0.5f, y, yl);
        assertArrayEquals(new float[]{2 * 5 + 0.5f * 10}, y);
    }

    @Test
    void channelsPoolSeparatelyInAnyLayout() {
        // Two channels, 1..9 and 10 * (1..9), stored NHWC; output NCHW with a gap between the channels.
        float[] x = new float[18];
        for (int i = 0; i < 9; i++) {
            x[2 * i] = ONE_TO_NINE[i];
            x[2 * i + 1] = 10 * ONE_TO_NINE[i];
        }
        Strided4d yl = new Strided4d(1, 2, 1, 1, 3, 2, 1, 1, 0);
        float[] y = new float[3];
        Arrays.fill(y, -1);
        PoolingMath.forward(PoolingMode.MAX, true, new PoolingGeometry(3, 3, 0, 0, 1, 1), 1f, x, Strided4d.nhwc(1, 2, 3, 3), 0f, y, yl);
        assertArrayEquals(new float[]{9, -1, 90}, y);
    }

    @Test
    void anOutputOfTheWrongSizeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PoolingMath.forward(PoolingMode.MAX, true,
                new PoolingGeometry(2, 2, 0, 0, 2, 2), 1f, ONE_TO_NINE, Strided4d.nchw(1, 1, 3, 3), 0f, new float[4], Strided4d.nchw(1, 1, 2, 2)));
    }
}
