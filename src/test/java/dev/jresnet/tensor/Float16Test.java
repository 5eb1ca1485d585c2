package dev.jresnet.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Float16Test {
    @Test
    void knownEncodingsFromTheIeeeDefinition() {
        // sign | 5-bit exponent (bias 15) | 10-bit mantissa
        assertEquals(1.0f, Float16.toFloat((short) 0x3c00));
        assertEquals(-2.0f, Float16.toFloat((short) 0xc000));
        assertEquals(65504f, Float16.toFloat((short) 0x7bff)); // largest normal: (2 - 2^-10) * 2^15
        assertEquals(0x1p-14f, Float16.toFloat((short) 0x0400)); // smallest normal
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001)); // smallest subnormal
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7c00));
        assertTrue(Float.isNaN(Float16.toFloat((short) 0x7e00)));
        assertEquals((short) 0x3555, Float16.fromFloat(1f / 3)); // 1/3 = 0x3555 in binary16, rounded down
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Float16.toFloat((short) bits);
            short back = Float16.fromFloat(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Float16.toFloat(back)), () -> "NaN lost its NaN-ness");
            } else {
                assertEquals((short) bits, back, "bits 0x" + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void narrowingRoundsToNearestEven() {
        float one = 1f;
        float ulp = 0x1p-10f; // spacing of halves in [1, 2)
        assertEquals((short) 0x3c00, Float16.fromFloat(one + ulp / 2)); // tie, even neighbour is 1.0
        assertEquals((short) 0x3c02, Float16.fromFloat(one + 3 * ulp / 2)); // tie, even neighbour is 1 + 2 ulp
        assertEquals((short) 0x3c01, Float16.fromFloat(one + ulp / 2 + 0x1p-20f)); // just above the tie
        assertEquals((short) 0x7c00, Float16.fromFloat(65520f)); // halfway past the largest half: to infinity
        assertEquals((short) 0x7bff, Float16.fromFloat(65519f));
        assertEquals((short) 0x0000, Float16.fromFloat(0x1p-25f)); // tie between 0 and the smallest subnormal
        assertEquals((short) 0x0001, Float16.fromFloat(0x1.8p-25f));
        assertEquals((short) 0x0400, Float16.fromFloat(0x1p-14f - 0x1p-26f)); // subnormal rounding carries into normal
    }

    @Test
    void bfloat16KeepsTheTopBitsRoundingToNearestEven() {
        assertEquals(1.0f, BFloat16.toFloat((short) 0x3f80));
        assertEquals((short) 0x3f80, BFloat16.fromFloat(Float.intBitsToFloat(0x3f808000))); // tie to even (down)
        assertEquals((short) 0x3f82, BFloat16.fromFloat(Float.intBitsToFloat(0x3f818000))); // tie to even (up)
        assertTrue(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.NaN))));
    }
}
