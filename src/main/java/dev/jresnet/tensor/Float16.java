package dev.jresnet.tensor;

/**
 * IEEE 754 binary16 ("half") conversions. Java 17 has no Float.float16ToFloat, so both directions are here:
 * widening is exact, narrowing rounds to nearest-even, overflows to infinity and keeps NaN a NaN.
 */
public final class Float16 {
    private Float16() {
    }

    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Subnormal (or zero): mantissa * 2^-24, exact in float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The binary16 value nearest {@code value}, as a float: what storing it in half precision keeps. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }

    /** Rounds {@code count} values from {@code offset} to binary16 in place. */
    public static void roundInPlace(float[] values, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            values[i] = round(values[i]);
        }
    }

    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = (f >>> 23) & 0xff;
        int mantissa = f & 0x7fffff;
        if (exponent == 0xff) {
            // Infinity stays infinity; NaN keeps its top payload bits and stays quiet.
            return (short) (sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
        }
        int unbiased = exponent - 127;
        if (unbiased > 15) {
            return (short) (sign | 0x7c00);
        }
        if (unbiased >= -14) {
            // Normal half: keep 10 mantissa bits, round the 13 dropped ones to nearest-even.
            int halfBits = ((unbiased + 15) << 10) | (mantissa >>> 13);
            return (short) (sign | roundNearestEven(halfBits, mantissa & 0x1fff, 13));
        }
        if (unbiased < -25) {
            return (short) sign;
        }
        // Subnormal half: the value is (1.mantissa) * 2^unbiased = m24 * 2^(unbiased-23); the half's unit is 2^-24.
        int full = mantissa | 0x800000;
        int shift = -unbiased - 1; // 14..24 bits dropped
        int kept = full >>> shift;
        int dropped = full & ((1 << shift) - 1);
        return (short) (sign | roundNearestEven(kept, dropped, shift));
    }

    /** Rounds {@code kept} by the {@code droppedBits} low bits that were cut off; a carry into the exponent is right. */
    private static int roundNearestEven(int kept, int dropped, int droppedBits) {
        int half = 1 << (droppedBits - 1);
        if (dropped > half || (dropped == half && (kept & 1) != 0)) {
            return kept + 1;
        }
        return kept;
    }
}
