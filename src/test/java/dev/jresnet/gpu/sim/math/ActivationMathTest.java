package dev.jresnet.gpu.sim.math;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Activation values, NaN handling, and the alpha/beta blend every op shares. */
class ActivationMathTest {
    private static final float[] X = {-2, -0f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    private static final Strided4d LINE = Strided4d.nchw(1, 1, 1, X.length);

    private static float[] activate(Activation mode, boolean propagateNan, float alpha, float beta, float[] yOld) {
        float[] y = yOld.clone();
        ActivationMath.forward(mode, propagateNan, alpha, X, LINE, beta, y, LINE);
        return y;
    }

    private static float[] nans() {
        float[] y = new float[X.length];
        Arrays.fill(y, Float.NaN);
        return y;
    }

    @Test
    void reluZeroesNegativesAndPropagatesNanOnlyWhenAsked() {
        assertArrayEquals(new float[]{0, 0, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, 0}, activate(Activation.RELU, true, 1, 0, nans()));
        assertArrayEquals(new float[]{0, 0, 0.5f, 0, Float.POSITIVE_INFINITY, 0}, activate(Activation.RELU, false, 1, 0, nans()));
    }

    @Test
    void identityPassesEverythingThrough() {
        assertArrayEquals(X, activate(Activation.IDENTITY, false, 1, 0, nans()));
    }

    @Test
    void betaZeroNeverReadsTheOldOutputButOtherBetasDo() {
        // NaN garbage in y with beta 0: the result is exactly alpha * relu(x).
        assertArrayEquals(new float[]{0, 0, 1.5f, 0, Float.POSITIVE_INFINITY, 0}, activate(Activation.RELU, false, 3, 0, nans()));
        float[] old = {1, 2, 3, 4, 5, 6};
        // y = 2 * relu(x) - 1 * old
        assertArrayEquals(new float[]{-1, -2, 1 - 3, -4, Float.POSITIVE_INFINITY, -6}, activate(Activation.RELU, false, 2, -1, old));
        // A non-zero beta reads NaN garbage, which then poisons the result.
        assertArrayEquals(nans(), activate(Activation.IDENTITY, true, 1, 1, nans()));
    }

    @Test
    void worksInPlaceAndAcrossLayouts() {
        float[] inPlace = {-1, 2, -3, 4};
        Strided4d l = Strided4d.nchw(1, 2, 1, 2);
        ActivationMath.forward(Activation.RELU, true, 1, inPlace, l, 0, inPlace, l);
        assertArrayEquals(new float[]{0, 2, 0, 4}, inPlace);
        // x NCHW (c0: -1, 2; c1: -3, 4) into y NHWC: y holds (c0, c1) per pixel.
        float[] y = new float[4];
        ActivationMath.forward(Activation.RELU, true, 1, new float[]{-1, 2, -3, 4}, l, 0, y, Strided4d.nhwc(1, 2, 1, 2));
        assertArrayEquals(new float[]{0, 0, 2, 4}, y);
    }

    @Test
    void blendRoundsTheWholeExpressionOnce() {
        // 3 * (1 + 2^-23) - 3 is exactly 3 * 2^-23, a float. Rounding the product to float first would give
        // 3 + 2^-21 (the tie 3 + 1.5 ulp goes to even) and then 2^-21: Blend evaluates in double and rounds once.
        float[] y = {3f};
        Blend.store(y, 0, 3f, 1f + 0x1p-23f, -1f);
        assertArrayEquals(new float[]{0x3p-23f}, y);
        float[] z = {3f, 3f};
        Blend.into(3f, new float[]{1f + 0x1p-23f, 2f}, Strided4d.nchw(1, 2, 1, 1), -1f, z, Strided4d.nchw(1, 2, 1, 1));
        assertArrayEquals(new float[]{0x3p-23f, 3f}, z);
    }

    @Test
    void mismatchedDimsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ActivationMath.forward(Activation.RELU, true, 1, X, LINE, 0,
                new float[X.length], Strided4d.nchw(1, X.length, 1, 1)));
    }
}
