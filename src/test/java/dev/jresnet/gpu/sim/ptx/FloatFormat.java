package dev.jresnet.gpu.sim.ptx;

import dev.jresnet.tensor.BFloat16;
import dev.jresnet.tensor.Float16;

/**
 * The IEEE binary formats PTX computes in, as raw bit patterns: exact widening to double and correctly rounded
 * narrowing (any direction, subnormals and overflow included) into each.
 */
enum FloatFormat {
    F16(16, 11, 0x7fffL), BF16(16, 8, 0x7fffL), F32(32, 24, 0x7fffffffL),
    // PTX leaves the bits of a generated f64 NaN open; we use the same all-ones payload as for the narrower formats.
    F64(64, 53, 0x7fffffffffffffffL);

    /** Width of the pattern, significand bits including the hidden one, the NaN that NVIDIA GPUs generate. */
    final int width;
    final int precision;
    final long canonicalNaN;
    final long signBit;
    final long infinity;
    private final int minExponent;
    private final int maxExponent;

    FloatFormat(int width, int precision, long canonicalNaN) {
        this.width = width;
        this.precision = precision;
        this.canonicalNaN = canonicalNaN;
        this.signBit = 1L << (width - 1);
        this.infinity = ((1L << (width - precision)) - 1) << (precision - 1);
        int bias = (1 << (width - precision - 1)) - 1;
        this.minExponent = 1 - bias;
        this.maxExponent = bias;
    }

    /** The value of a pattern of this format, exactly (NaN stays NaN). */
    double toDouble(long bits) {
        return switch (this) {
            case F16 -> Float16.toFloat((short) bits);
            case BF16 -> BFloat16.toFloat((short) bits);
            case F32 -> Float.intBitsToFloat((int) bits);
            case F64 -> Double.longBitsToDouble(bits);
        };
    }

    boolean isNaN(long bits) {
        return magnitude(bits) > infinity;
    }

    boolean isNegative(long bits) {
        return (bits & signBit) != 0;
    }

    /** The pattern without its sign bit (and without anything above the format's width). */
    long magnitude(long bits) {
        return bits & (signBit - 1);
    }

    /** Subnormal inputs and results become zero of the same sign: PTX's .ftz. */
    long flushSubnormal(long bits) {
        long m = magnitude(bits);
        return m != 0 && m < (1L << (precision - 1)) ? bits & signBit : bits;
    }

    long one() {
        return (long) maxExponent << (precision - 1);
    }

    /** PTX's .sat: clamps to [+0.0, 1.0], and NaN becomes +0.0. */
    long saturate(long bits) {
        if (isNaN(bits) || isNegative(bits)) {
            return 0;
        }
        return magnitude(bits) >= one() ? one() : magnitude(bits);
    }

    /** {@code x} rounded into this format in direction {@code mode}; a NaN becomes this format's canonical NaN. */
    long fromDouble(double x, Rounding mode) {
        long raw = Double.doubleToRawLongBits(x);
        boolean negative = raw < 0;
        if (Double.isNaN(x)) {
            return canonicalNaN;
        }
        if (this == F64) {
            return raw;
        }
        if (Double.isInfinite(x)) {
            return infinity | (negative ? signBit : 0);
        }
        if (x == 0) {
            return negative ? signBit : 0;
        }
        int biased = (int) ((raw >>> 52) & 0x7ff);
        long fraction = raw & ((1L << 52) - 1);
        return biased == 0 ? round(negative, fraction, -1074, false, mode)
                : round(negative, fraction | (1L << 52), biased - 1075, false, mode);
    }

    /** The integer {@code v} (unsigned when {@code unsigned}) rounded into this format in direction {@code mode}. */
    long fromInteger(long v, boolean unsigned, Rounding mode) {
        if (v == 0) {
            return 0;
        }
        boolean negative = !unsigned && v < 0;
        // -Long.MIN_VALUE wraps to itself, which read as unsigned is the right magnitude 2^63.
        return round(negative, negative ? -v : v, 0, false, mode);
    }

    /**
     * The pattern nearest, in direction {@code mode}, to (magnitude + sticky) * 2^exponent with the sign given, where
     * magnitude is a nonzero unsigned 64-bit integer and sticky says that some nonzero amount smaller than one unit of
     * magnitude was cut off below it.
     */
    long round(boolean negative, long magnitude, int exponent, boolean sticky, Rounding mode) {
        long sign = negative ? signBit : 0;
        int top = exponent + 63 - Long.numberOfLeadingZeros(magnitude);
        if (top > maxExponent) {
            return sign | overflow(negative, mode);
        }
        // The value's unit in the last place here: fixed below the normal range (subnormals), else from the top bit.
        int quantum = Math.max(top, minExponent) - (precision - 1);
        int shift = quantum - exponent;
        long kept;
        boolean aboveHalf;
        boolean exactlyHalf;
        boolean inexact;
        if (shift <= 0) {
            kept = magnitude << -shift;
            aboveHalf = false;
            exactlyHalf = false;
            inexact = sticky;
        } else if (shift >= 64) {
            // Every bit is cut off; the value is below half a unit unless its top bit is exactly that half.
            kept = 0;
            boolean topIsHalf = shift == 64 && magnitude < 0;
            long rest = topIsHalf ? magnitude & Long.MAX_VALUE : magnitude;
            aboveHalf = topIsHalf && (rest != 0 || sticky);
            exactlyHalf = topIsHalf && rest == 0 && !sticky;
            inexact = true;
        } else {
            kept = magnitude >>> shift;
            long dropped = magnitude & ((1L << shift) - 1);
            long half = 1L << (shift - 1);
            aboveHalf = dropped > half || (dropped == half && sticky);
            exactlyHalf = dropped == half && !sticky;
            inexact = dropped != 0 || sticky;
        }
        boolean up = switch (mode) {
            case NEAREST_EVEN -> aboveHalf || (exactlyHalf && (kept & 1) != 0);
            case TOWARD_ZERO -> false;
            case UP -> inexact && !negative;
            case DOWN -> inexact && negative;
        };
        if (up) {
            kept++;
        }
        // Exponent field and significand add up, so a carry out of the significand bumps the exponent, and a
        // subnormal that rounds up to the smallest normal comes out right.
        long bits = ((long) (quantum - (minExponent - (precision - 1))) << (precision - 1)) + kept;
        return sign | (bits >= infinity ? overflow(negative, mode) : bits);
    }

    /**
     * A finite value beyond this format's range: infinity when rounding to nearest or away from zero on its side, else
     * the largest finite value.
     */
    private long overflow(boolean negative, Rounding mode) {
        boolean toInfinity = switch (mode) {
            case NEAREST_EVEN -> true;
            case TOWARD_ZERO -> false;
            case UP -> !negative;
            case DOWN -> negative;
        };
        return toInfinity ? infinity : infinity - 1;
    }

    /**
     * a + b rounded to double "to odd": exact when it fits, else the neighbour whose last bit is 1. Rounding that again
     * to a format at least two bits narrower gives the correctly rounded sum, so half-precision arithmetic done this way
     * rounds once.
     */
    static double sumRoundedToOdd(double a, double b) {
        double s = a + b;
        if (!Double.isFinite(s)) {
            return s;
        }
        // Knuth's two-sum: the exact rounding error of s.
        double bVirtual = s - a;
        double error = (a - (s - bVirtual)) + (b - bVirtual);
        if (error == 0 || (Double.doubleToRawLongBits(s) & 1) != 0) {
            return s;
        }
        return error > 0 ? Math.nextUp(s) : Math.nextDown(s);
    }
}
