package dev.jresnet.tensor;

/** bfloat16 conversions: the top 16 bits of a float32. Narrowing rounds to nearest-even and keeps NaN a NaN. */
public final class BFloat16 {
    private BFloat16() {
    }

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The bfloat16 value nearest {@code value}, as a float: what storing it in bfloat16 keeps. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }

    /** Rounds {@code count} values from {@code offset} to bfloat16 in place. */
    public static void roundInPlace(float[] values, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            values[i] = round(values[i]);
        }
    }

    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7f800000) == 0x7f800000 && (f & 0x7fffff) != 0) {
            return (short) ((f >>> 16) | 0x40);
        }
        int roundingBias = 0x7fff + ((f >>> 16) & 1);
        return (short) ((f + roundingBias) >>> 16);
    }
}
