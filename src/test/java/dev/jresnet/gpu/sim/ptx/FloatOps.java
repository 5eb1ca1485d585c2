package dev.jresnet.gpu.sim.ptx;

import java.math.BigDecimal;

/**
 * f32 and f64 arithmetic. Round-to-nearest results are Java's float and double arithmetic, which is IEEE's; the
 * directed roundings (.rz .rm .rp) step from that result by the sign of the exact error, found with BigDecimal (slow,
 * and rare in compiled code). NaN results are the canonical NaN NVIDIA GPUs produce. .ftz flushes f32 subnormal
 * inputs and results to zero; .sat clamps to [0, 1].
 */
final class FloatOps {
    private FloatOps() {
    }

    static Step decode(Site s) {
        return switch (s.name) {
            case "add", "sub", "mul", "div" -> binary(s);
            case "fma", "mad" -> fma(s);
            case "rcp", "sqrt" -> rootOrReciprocal(s);
            case "rsqrt", "sin", "cos", "lg2", "ex2", "tanh" -> approximate(s);
            case "abs", "neg" -> sign(s);
            case "min", "max" -> minMax(s);
            case "copysign" -> copySign(s);
            case "testp" -> test(s);
            default -> throw s.error(s.name + " is not defined on floating-point types");
        };
    }

    static float f32(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    static double f64(long bits) {
        return Double.longBitsToDouble(bits);
    }

    static long bits(float x) {
        return x != x ? FloatFormat.F32.canonicalNaN : Float.floatToRawIntBits(x);
    }

    static long bits(double x) {
        return x != x ? FloatFormat.F64.canonicalNaN : Double.doubleToRawLongBits(x);
    }

    /** Modifiers shared by the arithmetic: rounding, .ftz and .sat (the last two on f32 only). */
    private record Form(PtxType type, FloatFormat format, Rounding rounding, boolean approximate, boolean ftz,
                        boolean saturate) {
        long input(long bits) {
            return ftz ? format.flushSubnormal(bits) : bits;
        }

        long output(long bits) {
            long flushed = ftz ? format.flushSubnormal(bits) : bits;
            return saturate ? format.saturate(flushed) : flushed;
        }

        boolean plain() {
            return rounding == Rounding.NEAREST_EVEN && !ftz && !saturate;
        }
    }

    /**
     * Reads the modifiers: a rounding direction ({@code roundingRequired} when PTX demands one), or .approx/.full where
     * {@code approximations} allows them.
     */
    private static Form form(Site s, boolean roundingRequired, boolean approximations) {
        Rounding rounding = s.rounding(false);
        String approximation = approximations ? s.oneOf("approx", "full") : null;
        boolean ftz = s.has("ftz");
        boolean saturate = s.has("sat");
        PtxType t = s.type();
        s.done();
        if (t != PtxType.F32 && t != PtxType.F64) {
            throw s.error(s.name + " is not defined on ." + t.ptxName());
        }
        if (rounding != null && approximation != null) {
            throw s.error("." + approximation + " takes no rounding modifier");
        }
        if (rounding == null && approximation == null && roundingRequired) {
            throw s.error(s.name + "." + t.ptxName() + " needs a rounding modifier");
        }
        if (t == PtxType.F64 && (saturate || ftz && approximation == null)) {
            throw s.error(".ftz and .sat apply to .f32");
        }
        return new Form(t, t.format(), rounding == null ? Rounding.NEAREST_EVEN : rounding, approximation != null, ftz,
                saturate);
    }

    private static Step binary(Site s) {
        boolean division = s.name.equals("div");
        Form form = form(s, division, division);
        if (division && form.type == PtxType.F64 && form.approximate) {
            throw s.error("div.f64 needs a rounding modifier");
        }
        s.operands(3);
        int d = s.dst(0);
        int a = s.src(1, form.type);
        int b = s.src(2, form.type);
        int next = s.next;
        String op = s.name;
        if (form.plain() && form.type == PtxType.F32) {
            return switch (op) {
                case "add" -> (r, launch) -> {
                    r[d] = bits(f32(r[a]) + f32(r[b]));
                    return next;
                };
                case "sub" -> (r, launch) -> {
                    r[d] = bits(f32(r[a]) - f32(r[b]));
                    return next;
                };
                case "mul" -> (r, launch) -> {
                    r[d] = bits(f32(r[a]) * f32(r[b]));
                    return next;
                };
                default -> (r, launch) -> {
                    r[d] = bits(f32(r[a]) / f32(r[b]));
                    return next;
                };
            };
        }
        // .approx and .full division are specified as within 2 ulp; computing them exactly meets that.
        return (r, launch) -> {
            r[d] = form.output(compute(op, form, form.input(r[a]), form.input(r[b]), 0));
            return next;
        };
    }

    private static Step fma(Site s) {
        Form form = form(s, true, false);
        s.operands(4);
        int d = s.dst(0);
        int a = s.src(1, form.type);
        int b = s.src(2, form.type);
        int c = s.src(3, form.type);
        int next = s.next;
        if (form.plain() && form.type == PtxType.F32) {
            return (r, launch) -> {
                r[d] = bits(Math.fma(f32(r[a]), f32(r[b]), f32(r[c])));
                return next;
            };
        }
        return (r, launch) -> {
            r[d] = form.output(compute("fma", form, form.input(r[a]), form.input(r[b]), form.input(r[c])));
            return next;
        };
    }

    private static Step rootOrReciprocal(Site s) {
        Form form = form(s, true, true);
        s.operands(2);
        if (form.type == PtxType.F64 && form.approximate && !(s.name.equals("rcp") && form.ftz)) {
            throw s.error(s.name + ".approx.f64 is not supported (only rcp.approx.ftz.f64)");
        }
        int d = s.dst(0);
        int a = s.src(1, form.type);
        int next = s.next;
        String op = s.name;
        // .approx versions are computed correctly rounded, which is within their specified error.
        return (r, launch) -> {
            r[d] = form.output(compute(op, form, form.input(r[a]), 0, 0));
            return next;
        };
    }

    /** The correctly rounded result of {@code op} on patterns of {@code form}'s format. */
    private static long compute(String op, Form form, long aBits, long bBits, long cBits) {
        FloatFormat f = form.format;
        double a = f.toDouble(aBits);
        double b = f.toDouble(bBits);
        double c = f.toDouble(cBits);
        double nearest;
        if (f == FloatFormat.F32) {
            float x = (float) a;
            float y = (float) b;
            nearest = switch (op) {
                case "add" -> x + y;
                case "sub" -> x - y;
                case "mul" -> x * y;
                case "div" -> x / y;
                case "fma", "mad" -> Math.fma(x, y, (float) c);
                case "rcp" -> 1f / x;
                // The double square root of a float, rounded to float, is the correctly rounded float square root.
                default -> (float) Math.sqrt(x);
            };
        } else {
            nearest = switch (op) {
                case "add" -> a + b;
                case "sub" -> a - b;
                case "mul" -> a * b;
                case "div" -> a / b;
                case "fma", "mad" -> Math.fma(a, b, c);
                case "rcp" -> 1 / a;
                default -> Math.sqrt(a);
            };
        }
        if (form.rounding != Rounding.NEAREST_EVEN) {
            nearest = directed(op, f, a, b, c, nearest, form.rounding);
        }
        return f == FloatFormat.F32 ? bits((float) nearest) : bits(nearest);
    }

    /** Steps the round-to-nearest result one unit toward where the exact result lies, as the direction asks. */
    private static double directed(String op, FloatFormat f, double a, double b, double c, double nearest,
                                   Rounding mode) {
        boolean unary = op.equals("rcp") || op.equals("sqrt");
        if (Double.isNaN(nearest) || !Double.isFinite(a) || (!unary && !Double.isFinite(b))
                || (op.equals("fma") || op.equals("mad")) && !Double.isFinite(c)
                || op.equals("div") && b == 0 || op.equals("rcp") && a == 0) {
            return nearest;
        }
        int side;
        if (Double.isInfinite(nearest)) {
            // Finite inputs and an infinite result: the exact value overflowed and lies on the finite side.
            side = nearest > 0 ? -1 : 1;
        } else {
            side = exactSide(op, a, b, c, nearest);
        }
        if (side == 0) {
            return mode == Rounding.DOWN && nearest == 0 ? zeroRoundingDown(op, a, b, c, nearest) : nearest;
        }
        boolean up = switch (mode) {
            case UP -> side > 0;
            case DOWN -> false;
            case TOWARD_ZERO -> nearest < 0 && side > 0;
            case NEAREST_EVEN -> false;
        };
        boolean down = switch (mode) {
            case DOWN -> side < 0;
            case TOWARD_ZERO -> nearest > 0 && side < 0;
            default -> false;
        };
        if (f == FloatFormat.F32) {
            float n = (float) nearest;
            return up ? Math.nextUp(n) : down ? Math.nextDown(n) : n;
        }
        return up ? Math.nextUp(nearest) : down ? Math.nextDown(nearest) : nearest;
    }

    /** The sign of (exact result - nearest), computed exactly. */
    private static int exactSide(String op, double a, double b, double c, double nearest) {
        BigDecimal x = new BigDecimal(a);
        BigDecimal y = new BigDecimal(b);
        BigDecimal q = new BigDecimal(nearest);
        return switch (op) {
            case "add" -> x.add(y).compareTo(q);
            case "sub" -> x.subtract(y).compareTo(q);
            case "mul" -> x.multiply(y).compareTo(q);
            case "fma", "mad" -> x.multiply(y).add(new BigDecimal(c)).compareTo(q);
            // a/b - q has the sign of (a - q*b) times the sign of b.
            case "div" -> x.subtract(q.multiply(y)).signum() * (b < 0 ? -1 : 1);
            case "rcp" -> BigDecimal.ONE.subtract(q.multiply(x)).signum() * (a < 0 ? -1 : 1);
            default -> x.subtract(q.multiply(q)).signum();
        };
    }

    /** An exact zero sum rounds to -0 when rounding down, unless both addends are +0 (IEEE 754 6.3). */
    private static double zeroRoundingDown(String op, double a, double b, double c, double nearest) {
        double first;
        double second;
        switch (op) {
            case "add" -> {
                first = a;
                second = b;
            }
            case "sub" -> {
                first = a;
                second = -b;
            }
            case "fma", "mad" -> {
                first = a * b;
                second = c;
            }
            default -> {
                return nearest;
            }
        }
        boolean bothPositiveZero = Double.doubleToRawLongBits(first) == 0 && Double.doubleToRawLongBits(second) == 0;
        return bothPositiveZero ? 0.0 : -0.0;
    }

    private static Step approximate(Site s) {
        boolean approx = s.has("approx");
        boolean ftz = s.has("ftz");
        PtxType t = s.type();
        s.done();
        s.operands(2);
        if (!approx) {
            throw s.error(s.name + " needs .approx");
        }
        boolean f64 = t == PtxType.F64;
        if (t != PtxType.F32 && !(f64 && s.name.equals("rsqrt"))) {
            throw s.error(s.name + ".approx is not defined on ." + t.ptxName());
        }
        FloatFormat f = t.format();
        int d = s.dst(0);
        int a = s.src(1, t);
        int next = s.next;
        String op = s.name;
        // The hardware approximations have small specified errors; we compute in double and round, which is within them.
        return (r, launch) -> {
            double x = f.toDouble(ftz ? f.flushSubnormal(r[a]) : r[a]);
            double y = switch (op) {
                case "rsqrt" -> 1 / Math.sqrt(x);
                case "sin" -> Math.sin(x);
                case "cos" -> Math.cos(x);
                case "lg2" -> Math.log(x) / Math.log(2);
                case "ex2" -> Math.pow(2, x);
                default -> Math.tanh(x);
            };
            long result = f64 ? bits(y) : bits((float) y);
            r[d] = ftz ? f.flushSubnormal(result) : result;
            return next;
        };
    }

    private static Step sign(Site s) {
        boolean ftz = s.has("ftz");
        PtxType t = s.type();
        s.done();
        s.operands(2);
        if (ftz && t != PtxType.F32) {
            throw s.error(".ftz applies to .f32");
        }
        FloatFormat f = t.format();
        int d = s.dst(0);
        int a = s.src(1, t);
        int next = s.next;
        boolean negate = s.name.equals("neg");
        return (r, launch) -> {
            long x = ftz ? f.flushSubnormal(r[a]) : r[a];
            r[d] = negate ? x ^ f.signBit : x & ~f.signBit;
            return next;
        };
    }

    private static Step minMax(Site s) {
        boolean ftz = s.has("ftz");
        boolean propagateNaN = s.has("NaN");
        PtxType t = s.type();
        s.done();
        s.operands(3);
        if (ftz && t != PtxType.F32) {
            throw s.error(".ftz applies to .f32");
        }
        FloatFormat f = t.format();
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int next = s.next;
        boolean min = s.name.equals("min");
        return (r, launch) -> {
            long x = ftz ? f.flushSubnormal(r[a]) : r[a];
            long y = ftz ? f.flushSubnormal(r[b]) : r[b];
            r[d] = minMax(f, x, y, min, propagateNaN);
            return next;
        };
    }

    /**
     * PTX min/max: a NaN operand yields the other one (both NaN, or either with .NaN: the canonical NaN), and -0 counts
     * as less than +0.
     */
    static long minMax(FloatFormat f, long x, long y, boolean min, boolean propagateNaN) {
        boolean xNaN = f.isNaN(x);
        boolean yNaN = f.isNaN(y);
        if (xNaN && yNaN || (xNaN || yNaN) && propagateNaN) {
            return f.canonicalNaN;
        }
        if (xNaN) {
            return y;
        }
        if (yNaN) {
            return x;
        }
        double u = f.toDouble(x);
        double v = f.toDouble(y);
        if (u == v) {
            // Equal values differ at most in the sign of zero; the negative one is the smaller.
            return f.isNegative(x) == min ? x : y;
        }
        return (u < v) == min ? x : y;
    }

    private static Step copySign(Site s) {
        PtxType t = s.type();
        s.done();
        s.operands(3);
        if (t != PtxType.F32 && t != PtxType.F64) {
            throw s.error("copysign is defined on .f32 and .f64");
        }
        long sign = t.format().signBit;
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int next = s.next;
        // d is b with a's sign.
        return (r, launch) -> {
            r[d] = (r[b] & ~sign) | (r[a] & sign);
            return next;
        };
    }

    private static Step test(Site s) {
        String property = s.oneOf("finite", "infinite", "number", "notanumber", "normal", "subnormal");
        PtxType t = s.type();
        s.done();
        s.operands(2);
        if (property == null || (t != PtxType.F32 && t != PtxType.F64)) {
            throw s.error("testp takes .finite .infinite .number .notanumber .normal or .subnormal, and .f32 or .f64");
        }
        FloatFormat f = t.format();
        int p = s.dst(0);
        int a = s.src(1, t);
        int next = s.next;
        long minNormal = 1L << (f.precision - 1);
        return (r, launch) -> {
            long m = f.magnitude(r[a]);
            boolean result = switch (property) {
                case "finite" -> m < f.infinity;
                case "infinite" -> m == f.infinity;
                case "number" -> m <= f.infinity;
                case "notanumber" -> m > f.infinity;
                case "normal" -> m >= minNormal && m < f.infinity;
                default -> m != 0 && m < minNormal;
            };
            r[p] = result ? 1 : 0;
            return next;
        };
    }
}
