package dev.jresnet.gpu.sim.math;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * y = act(alpha1 * conv(x, w) + alpha2 * z + bias) on x = 1..9 (3x3) with two 2x2 filters: [[1, 2], [3, 4]]
 * (conv 37, 47, 67, 77) and [[0, 0], [0, 1]] (picks x(p+1, q+1): 5, 6, 8, 9).
 */
class ConvBiasActivationMathTest {
    private static final float[] X = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final Strided4d XL = Strided4d.nchw(1, 1, 3, 3);
    private static final float[] W = {1, 2, 3, 4, 0, 0, 0, 1};
    private static final Strided4d WL = Strided4d.nchw(2, 1, 2, 2);
    private static final ConvGeometry G = ConvGeometry.square(0, 1, 1, 1);
    private static final Strided4d YL = Strided4d.nchw(1, 2, 2, 2);
    private static final float[] BIAS = {-0.5f, 10};
    private static final Strided4d BL = Strided4d.nchw(1, 2, 1, 1);
    /** z for alpha2 = 2: channel 0 (1, -100, 2, 3), channel 1 all 0. */
    private static final float[] Z = {1, -100, 2, 3, 0, 0, 0, 0};

    private static float[] nans() {
        float[] a = new float[8];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    @Test
    void scalesAddsTheResidualAndBiasThenActivates() {
        // channel 0: 0.5 * (37, 47, 67, 77) + 2 * (1, -100, 2, 3) - 0.5 = (20, -177, 37, 44);
        // channel 1: 0.5 * (5, 6, 8, 9) + 10 = (12.5, 13, 14, 14.5).
        float[] y = nans();
        ConvBiasActivationMath.forward(0.5f, X, XL, W, WL, G, 2f, Z, YL, BIAS, BL, Activation.IDENTITY, true, y, YL);
        assertArrayEquals(new float[]{20, -177, 37, 44, 12.5f, 13, 14, 14.5f}, y);
        ConvBiasActivationMath.forward(0.5f, X, XL, W, WL, G, 2f, Z, YL, BIAS, BL, Activation.RELU, true, y, YL);
        assertArrayEquals(new float[]{20, 0, 37, 44, 12.5f, 13, 14, 14.5f}, y);
    }

    @Test
    void alpha2ZeroLeavesZUnread() {
        float[] y = new float[8];
        ConvBiasActivationMath.forward(0.5f, X, XL, W, WL, G, 0f, nans(), YL, BIAS, BL, Activation.RELU, true, y, YL);
        assertArrayEquals(new float[]{18, 23, 33, 38, 12.5f, 13, 14, 14.5f}, y);
    }

    @Test
    void zMayBeTheOutputItself() {
        float[] y = Z.clone();
        ConvBiasActivationMath.forward(0.5f, X, XL, W, WL, G, 2f, y, YL, BIAS, BL, Activation.IDENTITY, true, y, YL);
        assertArrayEquals(new float[]{20, -177, 37, 44, 12.5f, 13, 14, 14.5f}, y);
    }

    @Test
    void reluNanOptionAppliesToTheSum() {
        float[] x = X.clone();
        x[0] = Float.NaN; // reaches output (0, 0) of both channels
        float[] propagated = new float[8];
        ConvBiasActivationMath.forward(1f, x, XL, W, WL, G, 0f, null, YL, BIAS, BL, Activation.RELU, true, propagated, YL);
        assertArrayEquals(new float[]{Float.NaN, 46.5f, 66.5f, 76.5f, Float.NaN, 16, 18, 19}, propagated);
        float[] ignored = new float[8];
        ConvBiasActivationMath.forward(1f, x, XL, W, WL, G, 0f, null, YL, BIAS, BL, Activation.RELU, false, ignored, YL);
        assertArrayEquals(new float[]{0, 46.5f, 66.5f, 76.5f, 0, 16, 18, 19}, ignored);
    }

    @Test
    void biasMustBeOnePerOutputChannel() {
        assertThrows(IllegalArgumentException.class, () -> ConvBiasActivationMath.forward(1f, X, XL, W, WL, G, 0f, null, YL,
                new float[2], Strided4d.nchw(1, 1, 1, 2), Activation.RELU, true, new float[8], YL));
    }
}
