package dev.jresnet.gpu.sim.ptx;

import java.util.Locale;

/** The PTX fundamental types an instruction or register can name. */
enum PtxType {
    PRED(1, Kind.PREDICATE), B8(8, Kind.BITS), B16(16, Kind.BITS), B32(32, Kind.BITS), B64(64, Kind.BITS),
    U8(8, Kind.UNSIGNED), U16(16, Kind.UNSIGNED), U32(32, Kind.UNSIGNED), U64(64, Kind.UNSIGNED),
    S8(8, Kind.SIGNED), S16(16, Kind.SIGNED), S32(32, Kind.SIGNED), S64(64, Kind.SIGNED),
    F16(16, Kind.FLOAT), BF16(16, Kind.FLOAT), F32(32, Kind.FLOAT), F64(64, Kind.FLOAT),
    F16X2(32, Kind.PACKED_FLOAT), BF16X2(32, Kind.PACKED_FLOAT);

    enum Kind { PREDICATE, BITS, UNSIGNED, SIGNED, FLOAT, PACKED_FLOAT }

    final int bits;
    final Kind kind;

    PtxType(int bits, Kind kind) {
        this.bits = bits;
        this.kind = kind;
    }

    /** The type a modifier such as "u32" or "f16x2" names, or null when it names none. */
    static PtxType named(String modifier) {
        for (PtxType t : values()) {
            if (t.ptxName().equals(modifier)) {
                return t;
            }
        }
        return null;
    }

    String ptxName() {
        return name().toLowerCase(Locale.ROOT);
    }

    int bytes() {
        return Math.max(1, bits / 8);
    }

    boolean isInteger() {
        return kind == Kind.BITS || kind == Kind.UNSIGNED || kind == Kind.SIGNED;
    }

    boolean isSigned() {
        return kind == Kind.SIGNED;
    }

    /** f16, bf16, f32 or f64 (one value). */
    boolean isFloat() {
        return kind == Kind.FLOAT;
    }

    /** f16, bf16 and their packed pairs: the types whose arithmetic rounds through binary16 or bfloat16. */
    boolean isHalf() {
        return this == F16 || this == BF16 || kind == Kind.PACKED_FLOAT;
    }

    /** The format of one value: f16x2 holds two f16. */
    FloatFormat format() {
        return switch (this) {
            case F16, F16X2 -> FloatFormat.F16;
            case BF16, BF16X2 -> FloatFormat.BF16;
            case F32 -> FloatFormat.F32;
            case F64 -> FloatFormat.F64;
            default -> throw new IllegalStateException(this + " is not a floating-point type");
        };
    }
}
