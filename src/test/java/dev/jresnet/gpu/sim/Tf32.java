package dev.jresnet.gpu.sim;

/**
 * TF32, the input format of fp32 work on tensor cores: float32's exponent with a 10-bit mantissa. The simulated
 * libraries round their inputs to it where the math mode lets the GPU use tensor cores for fp32, so a program that
 * asks for fp32 without ruling tensor cores out sees TF32's error in its results, as it would on an Ampere or newer GPU.
 */
final class Tf32 {
    private static final int DROPPED = 13;

    private Tf32() {
    }

    /** The nearest TF32 value (ties to even); NaN and infinities unchanged. */
    static float round(float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            return v;
        }
        int bits = Float.floatToRawIntBits(v);
        int half = 1 << (DROPPED - 1);
        int lsb = (bits >> DROPPED) & 1;
        int rounded = (bits + half - 1 + lsb) & ~((1 << DROPPED) - 1);
        return Float.intBitsToFloat(rounded);
    }
}
