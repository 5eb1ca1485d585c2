package dev.jresnet.gpu.sim.ptx;

/**
 * cvt between integers of every width and signedness and the f16, bf16, f32 and f64 formats, and the packed
 * cvt.f16x2.f32 / cvt.bf16x2.f32. Float-to-integer conversions saturate to the destination's range with NaN giving 0;
 * narrowing float conversions round in the direction the modifier names.
 */
final class ConvertOps {
    private ConvertOps() {
    }

    /** The conversion's modifiers, read once. */
    private record Form(PtxType dest, PtxType source, Rounding integral, Rounding rounding, boolean ftz,
                        boolean saturate, boolean relu, boolean saturateFinite) {
    }

    /** One conversion of a register's bits into the destination's bits. */
    @FunctionalInterface
    private interface Conversion {
        long apply(long bits);
    }

    static Step decode(Site s) {
        Rounding integral = s.rounding(true);
        Rounding rounding = s.rounding(false);
        boolean ftz = s.has("ftz");
        boolean saturate = s.has("sat");
        boolean relu = s.has("relu");
        boolean saturateFinite = s.has("satfinite");
        PtxType source = s.type();
        PtxType dest = s.type();
        s.done();
        Form form = new Form(dest, source, integral, rounding, ftz, saturate, relu, saturateFinite);
        if (integral != null && rounding != null) {
            throw s.error("cvt takes one rounding modifier");
        }
        if (dest.kind == PtxType.Kind.PACKED_FLOAT) {
            return packed(s, form);
        }
        if ((form.relu() || form.saturateFinite()) && dest != PtxType.F16 && dest != PtxType.BF16) {
            throw s.error(".relu and .satfinite apply to conversions to .f16 and .bf16");
        }
        if (form.ftz() && dest != PtxType.F32 && source != PtxType.F32) {
            throw s.error(".ftz applies when the source or the result is .f32");
        }
        s.operands(2);
        Conversion conversion = conversion(s, form);
        int d = s.dst(0);
        int a = s.src(1, source);
        int next = s.next;
        return (r, launch) -> {
            r[d] = conversion.apply(r[a]);
            return next;
        };
    }

    private static Conversion conversion(Site s, Form form) {
        PtxType dest = form.dest();
        PtxType source = form.source();
        if (!dest.isInteger() && !dest.isFloat() || !source.isInteger() && !source.isFloat()) {
            throw s.error("cvt does not convert ." + source.ptxName() + " to ." + dest.ptxName());
        }
        if (dest.isInteger() && source.isInteger()) {
            if (form.integral() != null || form.rounding() != null || form.ftz()) {
                throw s.error("integer-to-integer cvt takes no rounding or .ftz");
            }
            return integerToInteger(source, dest, form.saturate());
        }
        if (dest.isInteger()) {
            if (form.integral() == null) {
                throw s.error("float-to-integer cvt needs .rni, .rzi, .rmi or .rpi");
            }
            return floatToInteger(form);
        }
        if (source.isInteger()) {
            if (form.rounding() == null) {
                throw s.error("integer-to-float cvt needs .rn, .rz, .rm or .rp");
            }
            FloatFormat f = dest.format();
            int bits = source.bits;
            boolean signed = source.isSigned();
            Rounding mode = form.rounding();
            return x -> finish(form, f, f.fromInteger(IntegerOps.widen(x, bits, signed), !signed, mode));
        }
        return floatToFloat(s, form);
    }

    private static Conversion integerToInteger(PtxType source, PtxType dest, boolean saturate) {
        int fromBits = source.bits;
        boolean fromSigned = source.isSigned();
        int toBits = dest.bits;
        boolean toSigned = dest.isSigned();
        if (!saturate) {
            // Truncate to the destination, then extend by its signedness (a .u8 result is zero-extended).
            return x -> IntegerOps.widen(IntegerOps.widen(x, fromBits, fromSigned), toBits, toSigned);
        }
        return x -> {
            long v = IntegerOps.widen(x, fromBits, fromSigned);
            // A .u64 source at or above 2^63 reads as negative here but is above every destination's range.
            boolean huge = !fromSigned && fromBits == 64 && v < 0;
            return IntegerOps.widen(clamp(v, huge, toBits, toSigned), toBits, toSigned);
        };
    }

    private static long clamp(long v, boolean huge, int bits, boolean signed) {
        long max = signed ? Long.MAX_VALUE >>> (64 - bits) : -1L >>> (64 - bits);
        long min = signed ? Long.MIN_VALUE >> (64 - bits) : 0;
        if (huge) {
            // Only a .u64 destination holds it.
            return !signed && bits == 64 ? v : max;
        }
        if (v < min) {
            return min;
        }
        return signed || bits < 64 ? Math.min(v, max) : v;
    }

    private static Conversion floatToInteger(Form form) {
        FloatFormat f = form.source().format();
        int bits = form.dest().bits;
        boolean signed = form.dest().isSigned();
        Rounding mode = form.integral();
        boolean ftz = form.ftz();
        return x -> {
            double v = mode.toIntegral(f.toDouble(ftz ? f.flushSubnormal(x) : x));
            return IntegerOps.widen(saturatingToInteger(v, bits, signed), bits, signed);
        };
    }

    /** An integral double to the integer type's range: NaN gives 0, out-of-range values the nearest end. */
    static long saturatingToInteger(double v, int bits, boolean signed) {
        if (Double.isNaN(v)) {
            return 0;
        }
        if (signed) {
            double limit = Math.scalb(1.0, bits - 1);
            if (v >= limit) {
                return bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
            }
            return v <= -limit ? (bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1))) : (long) v;
        }
        if (v <= 0) {
            return 0;
        }
        if (v >= Math.scalb(1.0, bits)) {
            return bits == 64 ? -1L : (1L << bits) - 1;
        }
        // Between 2^63 and 2^64 a double does not fit a signed long; subtract 2^63 first.
        return v >= 0x1p63 ? (long) (v - 0x1p63) + Long.MIN_VALUE : (long) v;
    }

    private static Conversion floatToFloat(Site s, Form form) {
        FloatFormat from = form.source().format();
        FloatFormat to = form.dest().format();
        boolean ftz = form.ftz();
        if (from == to) {
            if (form.rounding() != null) {
                throw s.error("a same-type float cvt rounds to an integral value (.rni .rzi .rmi .rpi) or not at all");
            }
            Rounding integral = form.integral();
            return x -> {
                long v = ftz ? from.flushSubnormal(x) : x;
                if (integral != null) {
                    v = from.isNaN(v) ? from.canonicalNaN : from.fromDouble(integral.toIntegral(from.toDouble(v)),
                            Rounding.NEAREST_EVEN);
                }
                return finish(form, to, v);
            };
        }
        if (form.integral() != null) {
            throw s.error("rounding to an integral value (.rni ...) needs the same source and result type");
        }
        boolean exact = to.precision >= from.precision && to.width > from.width;
        if (!exact && form.rounding() == null) {
            throw s.error("a narrowing float cvt needs .rn, .rz, .rm or .rp");
        }
        Rounding mode = exact ? Rounding.NEAREST_EVEN : form.rounding();
        return x -> finish(form, to, to.fromDouble(from.toDouble(ftz ? from.flushSubnormal(x) : x), mode));
    }

    /** Modifiers on a float result: .ftz, .sat (to [0, 1]), .relu (negatives to +0), .satfinite (no infinity). */
    private static long finish(Form form, FloatFormat f, long v) {
        long result = v;
        if (form.ftz() && f == FloatFormat.F32) {
            result = f.flushSubnormal(result);
        }
        if (form.saturate()) {
            result = f.saturate(result);
        }
        if (form.relu() && !f.isNaN(result) && f.isNegative(result)) {
            result = 0;
        }
        if (form.saturateFinite() && f.magnitude(result) == f.infinity) {
            result = (result & f.signBit) | (f.infinity - 1);
        }
        return result;
    }

    private static Step packed(Site s, Form form) {
        if (form.source() != PtxType.F32 || form.rounding() == null || form.integral() != null || form.ftz()
                || form.saturate()) {
            throw s.error("packed cvt converts two .f32 with .rn or .rz (and optionally .relu, .satfinite)");
        }
        s.operands(3);
        FloatFormat to = form.dest().format();
        Rounding mode = form.rounding();
        int d = s.dst(0);
        int a = s.src(1, PtxType.F32);
        int b = s.src(2, PtxType.F32);
        int next = s.next;
        // a goes to the upper half, b to the lower.
        return (r, launch) -> {
            long high = finish(form, to, to.fromDouble(FloatOps.f32(r[a]), mode));
            long low = finish(form, to, to.fromDouble(FloatOps.f32(r[b]), mode));
            r[d] = high << 16 | low;
            return next;
        };
    }
}
