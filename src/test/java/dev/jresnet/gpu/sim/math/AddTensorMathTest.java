package dev.jresnet.gpu.sim.math;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddTensorMathTest {
    private static final Strided4d C = Strided4d.nchw(2, 3, 1, 2);

    @Test
    void broadcastRuleIsPerDimensionEqualOrOne() {
        assertTrue(AddTensorMath.isSupportedBroadcast(Strided4d.nchw(1, 3, 1, 1), Strided4d.nchw(4, 3, 5, 6))); // bias
        assertTrue(AddTensorMath.isSupportedBroadcast(Strided4d.nchw(1, 1, 1, 1), Strided4d.nchw(4, 3, 5, 6))); // scalar
        assertTrue(AddTensorMath.isSupportedBroadcast(Strided4d.nchw(1, 3, 5, 6), Strided4d.nchw(4, 3, 5, 6))); // per image
        assertTrue(AddTensorMath.isSupportedBroadcast(Strided4d.nhwc(4, 3, 5, 6), Strided4d.nchw(4, 3, 5, 6))); // layouts differ
        assertTrue(AddTensorMath.isSupportedBroadcast(Strided4d.nchw(4, 1, 5, 1), Strided4d.nchw(4, 3, 5, 6)));
        assertFalse(AddTensorMath.isSupportedBroadcast(Strided4d.nchw(2, 3, 1, 1), Strided4d.nchw(4, 3, 5, 6)));
        assertFalse(AddTensorMath.isSupportedBroadcast(Strided4d.nchw(1, 4, 1, 1), Strided4d.nchw(4, 3, 5, 6)));
        assertFalse(AddTensorMath.isSupportedBroadcast(Strided4d.nchw(1, 3, 1, 1), Strided4d.nchw(4, 1, 5, 6))); // a larger than c
    }

    @Test
    void biasIsBroadcastOverBatchAndSpace() {
        float[] c = new float[12];
        Arrays.fill(c, 10);
        // c = 2 * bias[ch] + 0.5 * 10
        AddTensorMath.add(2f, new float[]{1, 2, 3}, Strided4d.nchw(1, 3, 1, 1), 0.5f, c, C);
        assertArrayEquals(new float[]{7, 7, 9, 9, 11, 11, 7, 7, 9, 9, 11, 11}, c);
    }

    @Test
    void fullTensorsAddAcrossLayoutsAndBetaZeroIgnoresGarbage() {
        // a NHWC holds value 100n + 10ch + w at (n, ch, 0, w); c NCHW full of NaN, beta 0: c = a exactly.
        Strided4d al = Strided4d.nhwc(2, 3, 1, 2);
        float[] a = new float[12];
        float[] expected = new float[12];
        for (int n = 0; n < 2; n++) {
            for (int ch = 0; ch < 3; ch++) {
                for (int w = 0; w < 2; w++) {
                    a[(int) al.index(n, ch, 0, w)] = 100 * n + 10 * ch + w;
                    expected[(int) C.index(n, ch, 0, w)] = 100 * n + 10 * ch + w;
                }
            }
        }
        float[] c = new float[12];
        Arrays.fill(c, Float.NaN);
        AddTensorMath.add(1f, a, al, 0f, c, C);
        assertArrayEquals(expected, c);
    }

    @Test
    void aScalarIsAddedEverywhere() {
        float[] c = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        AddTensorMath.add(1f, new float[]{0.5f}, Strided4d.nchw(1, 1, 1, 1), 1f, c, C);
        assertArrayEquals(new float[]{1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f, 9.5f, 10.5f, 11.5f, 12.5f}, c);
    }

    @Test
    void unsupportedShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AddTensorMath.add(1f, new float[6], Strided4d.nchw(2, 3, 1, 1), 1f,
                new float[12], Strided4d.nchw(1, 3, 2, 2)));
    }
}
