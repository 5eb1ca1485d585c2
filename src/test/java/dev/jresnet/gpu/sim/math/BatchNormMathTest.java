package dev.jresnet.gpu.sim.math;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-computed inference batch norm; PyTorch agreement on random cases is in TorchParityTest. */
class BatchNormMathTest {
    // var + epsilon = (4, 0.25): 1/sqrt gives 0.5 and 2. Channel 0: 2 * (x - 1) * 0.5 + 0.5 = x - 0.5;
    // channel 1: -1 * (x + 2) * 2 + 3 = -2x - 1.
    private static final float[] SCALE = {2, -1};
    private static final float[] BIAS = {0.5f, 3};
    private static final float[] MEAN = {1, -2};
    private static final float[] VARIANCE = {3.75f, 0};
    private static final double EPSILON = 0.25;

    @Test
    void normalisesEachChannelWithItsOwnStatistics() {
        // x NCHW (1, 2, 1, 2): channel 0 (1, 3), channel 1 (0, -2).
        Strided4d l = Strided4d.nchw(1, 2, 1, 2);
        float[] y = new float[4];
        BatchNormMath.forwardInference(1f, new float[]{1, 3, 0, -2}, l, 0f, y, l, SCALE, BIAS, MEAN, VARIANCE, EPSILON);
        assertArrayEquals(new float[]{0.5f, 2.5f, -1, 3}, y);
    }

    @Test
    void blendsIntoAnOutputOfAnotherLayout() {
        // Same input; y NHWC = (c0, c1) per pixel, y = 2 * bn(x) + 1 * old with old = 10 everywhere.
        float[] y = {10, 10, 10, 10};
        BatchNormMath.forwardInference(2f, new float[]{1, 3, 0, -2}, Strided4d.nchw(1, 2, 1, 2), 1f, y, Strided4d.nhwc(1, 2, 1, 2),
                SCALE, BIAS, MEAN, VARIANCE, EPSILON);
        assertArrayEquals(new float[]{11, 8, 15, 16}, y);
        float[] garbage = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        BatchNormMath.forwardInference(1f, new float[]{1, 3, 0, -2}, Strided4d.nchw(1, 2, 1, 2), 0f, garbage, Strided4d.nchw(1, 2, 1, 2),
                SCALE, BIAS, MEAN, VARIANCE, EPSILON);
        assertArrayEquals(new float[]{0.5f, 2.5f, -1, 3}, garbage);
    }

    @Test
    void tooFewChannelParametersAreRejected() {
        Strided4d l = Strided4d.nchw(1, 3, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> BatchNormMath.forwardInference(1f, new float[3], l, 0f, new float[3], l,
                SCALE, BIAS, MEAN, VARIANCE, EPSILON));
    }
}
