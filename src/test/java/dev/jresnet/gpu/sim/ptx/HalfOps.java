package dev.jresnet.gpu.sim.ptx;

/**
 * Arithmetic on f16 and bf16, one value or a packed pair (.f16x2, .bf16x2: the low half is the first lane). Each lane
 * is computed in double and rounded once: products of two halves are exact in double, and sums are rounded to odd
 * first, which keeps the single rounding correct.
 */
final class HalfOps {
    private HalfOps() {
    }

    /** One lane's operation on 16-bit patterns (unused operands are 0). */
    @FunctionalInterface
    private interface Lane {
        long apply(long x, long y, long z);
    }

    static Step decode(Site s) {
        Lane lane;
        int sources;
        switch (s.name) {
            case "add", "sub", "mul", "fma" -> {
                boolean fused = s.name.equals("fma");
                Rounding rounding = s.rounding(false);
                if (rounding != null && rounding != Rounding.NEAREST_EVEN || fused && rounding == null) {
                    throw s.error(s.name + " on half types rounds to nearest only: .rn" + (fused ? ", required" : ""));
                }
                boolean ftz = s.has("ftz");
                boolean saturate = s.has("sat");
                boolean relu = fused && s.has("relu");
                FloatFormat f = peekFormat(s);
                String op = s.name;
                Lane arithmetic = (x, y, z) -> arithmetic(op, f, x, y, z);
                lane = finish(f, flushed(f, ftz, arithmetic), ftz, saturate, relu);
                sources = fused ? 3 : 2;
            }
            case "neg", "abs" -> {
                boolean ftz = s.has("ftz");
                FloatFormat f = peekFormat(s);
                boolean negate = s.name.equals("neg");
                // Sign-bit operations: NaN stays a NaN, zero keeps its magnitude.
                lane = flushed(f, ftz, (x, y, z) -> negate ? x ^ f.signBit : x & ~f.signBit);
                sources = 1;
            }
            case "min", "max" -> {
                boolean ftz = s.has("ftz");
                boolean propagateNaN = s.has("NaN");
                FloatFormat f = peekFormat(s);
                boolean min = s.name.equals("min");
                lane = flushed(f, ftz, (x, y, z) -> FloatOps.minMax(f, x, y, min, propagateNaN));
                sources = 2;
            }
            case "ex2", "tanh" -> {
                if (!s.has("approx")) {
                    throw s.error(s.name + " needs .approx");
                }
                boolean ftz = s.has("ftz");
                FloatFormat f = peekFormat(s);
                boolean exp2 = s.name.equals("ex2");
                // Computed in double and rounded: within the approximation's specified error.
                Lane function = (x, y, z) -> {
                    double v = f.toDouble(x);
                    return f.fromDouble(exp2 ? Math.pow(2, v) : Math.tanh(v), Rounding.NEAREST_EVEN);
                };
                lane = finish(f, flushed(f, ftz, function), ftz, false, false);
                sources = 1;
            }
            default -> throw s.error(s.name + " is not defined on half-precision types");
        }
        PtxType t = s.type();
        s.done();
        s.operands(sources + 1);
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = sources > 1 ? s.src(2, t) : a;
        int c = sources > 2 ? s.src(3, t) : a;
        int next = s.next;
        if (t.kind == PtxType.Kind.PACKED_FLOAT) {
            return (r, launch) -> {
                long x = r[a];
                long y = r[b];
                long z = r[c];
                long low = lane.apply(x & 0xffff, y & 0xffff, z & 0xffff) & 0xffff;
                long high = lane.apply(x >>> 16 & 0xffff, y >>> 16 & 0xffff, z >>> 16 & 0xffff) & 0xffff;
                r[d] = low | high << 16;
                return next;
            };
        }
        return (r, launch) -> {
            r[d] = lane.apply(r[a] & 0xffff, r[b] & 0xffff, r[c] & 0xffff) & 0xffff;
            return next;
        };
    }

    /** The format of the instruction's type (the last modifier), left for decode to consume. */
    private static FloatFormat peekFormat(Site s) {
        String opcode = s.instruction.opcode();
        return PtxType.named(opcode.substring(opcode.lastIndexOf('.') + 1)).format();
    }

    private static long arithmetic(String op, FloatFormat f, long x, long y, long z) {
        double a = f.toDouble(x);
        double b = f.toDouble(y);
        double rounded = switch (op) {
            case "add" -> FloatFormat.sumRoundedToOdd(a, b);
            case "sub" -> FloatFormat.sumRoundedToOdd(a, -b);
            case "mul" -> a * b;
            default -> FloatFormat.sumRoundedToOdd(a * b, f.toDouble(z));
        };
        return f.fromDouble(rounded, Rounding.NEAREST_EVEN);
    }

    /** With .ftz, subnormal inputs are read as zero of the same sign. */
    private static Lane flushed(FloatFormat f, boolean ftz, Lane lane) {
        return ftz ? (x, y, z) -> lane.apply(f.flushSubnormal(x), f.flushSubnormal(y), f.flushSubnormal(z)) : lane;
    }

    /** Result modifiers: .ftz flushes a subnormal result, .sat clamps to [0, 1], .relu clamps negatives to +0. */
    private static Lane finish(FloatFormat f, Lane lane, boolean ftz, boolean saturate, boolean relu) {
        return (x, y, z) -> {
            long v = lane.apply(x, y, z);
            if (ftz) {
                v = f.flushSubnormal(v);
            }
            if (saturate) {
                v = f.saturate(v);
            }
            if (relu && !f.isNaN(v) && f.isNegative(v)) {
                v = 0;
            }
            return v;
        };
    }
}
