package dev.jresnet.gpu.sim.ptx;

/**
 * Integer and bitwise instructions on .b/.u/.s 16, 32 and 64 and on predicates. A register holds a value in its low
 * bits and whatever in the rest, so every instruction whose result depends on high bits (shifts right, compares,
 * division...) first widens its operands by the type's signedness.
 */
final class IntegerOps {
    private IntegerOps() {
    }

    static Step decode(Site s) {
        return switch (s.name) {
            case "add", "sub" -> addSub(s);
            case "mul", "mad" -> multiply(s);
            case "div", "rem" -> divide(s);
            case "abs", "neg", "not", "cnot", "popc", "clz", "brev", "bfind" -> unary(s);
            case "min", "max" -> minMax(s);
            case "and", "or", "xor" -> logic(s);
            case "shl", "shr" -> shift(s);
            case "sad" -> sad(s);
            case "bfe" -> bitFieldExtract(s);
            case "bfi" -> bitFieldInsert(s);
            case "prmt" -> permute(s);
            case "shf" -> funnelShift(s);
            case "lop3" -> lop3(s);
            default -> throw s.error(s.name + " is not defined on integer types");
        };
    }

    /** The low {@code bits} of x, sign- or zero-extended to 64. */
    static long widen(long x, int bits, boolean signed) {
        int shift = 64 - bits;
        return signed ? (x << shift) >> shift : (x << shift) >>> shift;
    }

    /**
     * A key that orders integers of {@code bits} bits by one signed comparison: the value moved to the top of the long,
     * its sign bit flipped when it is unsigned.
     */
    static long orderKey(long x, int bits, boolean signed) {
        return (x << (64 - bits)) ^ (signed ? 0 : Long.MIN_VALUE);
    }

    private static PtxType integerType(Site s) {
        PtxType t = s.type();
        if (!t.isInteger() || t.bits < 16) {
            throw s.error(s.name + " is not defined on ." + t.ptxName());
        }
        return t;
    }

    private static Step addSub(Site s) {
        boolean saturate = s.has("sat");
        PtxType t = integerType(s);
        s.done();
        s.operands(3);
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int next = s.next;
        boolean add = s.name.equals("add");
        if (saturate) {
            if (t != PtxType.S32) {
                throw s.error(".sat applies to .s32 only");
            }
            return add ? (r, launch) -> {
                r[d] = clampInt((long) (int) r[a] + (int) r[b]);
                return next;
            } : (r, launch) -> {
                r[d] = clampInt((long) (int) r[a] - (int) r[b]);
                return next;
            };
        }
        // The low bits of a sum or difference depend only on the low bits of the operands.
        return add ? (r, launch) -> {
            r[d] = r[a] + r[b];
            return next;
        } : (r, launch) -> {
            r[d] = r[a] - r[b];
            return next;
        };
    }

    private static long clampInt(long v) {
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static Step multiply(Site s) {
        String half = s.oneOf("lo", "hi", "wide");
        if (half == null) {
            throw s.error(s.name + " on integers needs .lo, .hi or .wide");
        }
        PtxType t = integerType(s);
        s.done();
        boolean mad = s.name.equals("mad");
        s.operands(mad ? 4 : 3);
        int bits = t.bits;
        boolean signed = t.isSigned();
        boolean wide = half.equals("wide");
        if (wide && bits == 64) {
            throw s.error(".wide multiplies 16- or 32-bit operands");
        }
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        PtxType addend = wide ? PtxType.named((signed ? "s" : "u") + 2 * bits) : t;
        int c = mad ? s.src(3, addend) : s.decoder().constant(0);
        int next = s.next;
        switch (half) {
            case "lo" -> {
                return mad ? (r, launch) -> {
                    r[d] = r[a] * r[b] + r[c];
                    return next;
                } : (r, launch) -> {
                    r[d] = r[a] * r[b];
                    return next;
                };
            }
            case "wide" -> {
                return (r, launch) -> {
                    r[d] = widen(r[a], bits, signed) * widen(r[b], bits, signed) + r[c];
                    return next;
                };
            }
            default -> {
                if (bits == 64) {
                    return signed ? (r, launch) -> {
                        r[d] = Math.multiplyHigh(r[a], r[b]) + r[c];
                        return next;
                    } : (r, launch) -> {
                        r[d] = unsignedMultiplyHigh(r[a], r[b]) + r[c];
                        return next;
                    };
                }
                // The full product of two 32-bit (or 16-bit) values fits in 64 bits; its upper half is the result.
                return (r, launch) -> {
                    r[d] = (widen(r[a], bits, signed) * widen(r[b], bits, signed) >> bits) + r[c];
                    return next;
                };
            }
        }
    }

    /** Bits 64..127 of the unsigned 128-bit product (Java 17 lacks Math.unsignedMultiplyHigh). */
    static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    private static Step divide(Site s) {
        PtxType t = integerType(s);
        s.done();
        s.operands(3);
        int bits = t.bits;
        boolean signed = t.isSigned();
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int next = s.next;
        boolean quotient = s.name.equals("div");
        if (bits == 64 && !signed) {
            return (r, launch) -> {
                long y = nonZero(r[b]);
                r[d] = quotient ? Long.divideUnsigned(r[a], y) : Long.remainderUnsigned(r[a], y);
                return next;
            };
        }
        // Widened to 64 bits, every 16/32-bit case and signed 64-bit divide exactly as Java's / and % (truncating,
        // remainder with the dividend's sign); the most negative value divided by -1 wraps back to itself.
        return (r, launch) -> {
            long y = nonZero(widen(r[b], bits, signed));
            long x = widen(r[a], bits, signed);
            r[d] = quotient ? x / y : x % y;
            return next;
        };
    }

    private static long nonZero(long divisor) {
        if (divisor == 0) {
            throw new Fault("integer division by zero");
        }
        return divisor;
    }

    private static Step unary(Site s) {
        String op = s.name;
        boolean shiftAmount = op.equals("bfind") && s.has("shiftamt");
        PtxType t = s.type();
        s.done();
        s.operands(2);
        int bits = t.bits;
        boolean signed = t.isSigned();
        boolean valid = switch (op) {
            case "abs", "neg" -> signed && bits >= 16;
            case "not", "cnot" -> t == PtxType.PRED || (t.isInteger() && bits >= 16);
            case "popc", "clz", "brev" -> t == PtxType.B32 || t == PtxType.B64;
            default -> t.isInteger() && t.kind != PtxType.Kind.BITS && bits >= 32;
        };
        if (!valid) {
            throw s.error(op + " is not defined on ." + t.ptxName());
        }
        int d = s.dst(0);
        int a = s.src(1, t);
        int next = s.next;
        if (t == PtxType.PRED) {
            // not and cnot of a predicate both flip it.
            return (r, launch) -> {
                r[d] = r[a] ^ 1;
                return next;
            };
        }
        return switch (op) {
            case "abs" -> (r, launch) -> {
                r[d] = Math.abs(widen(r[a], bits, true));
                return next;
            };
            case "neg" -> (r, launch) -> {
                r[d] = -r[a];
                return next;
            };
            case "not" -> (r, launch) -> {
                r[d] = ~r[a];
                return next;
            };
            case "cnot" -> (r, launch) -> {
                r[d] = widen(r[a], bits, false) == 0 ? 1 : 0;
                return next;
            };
            case "popc" -> (r, launch) -> {
                r[d] = Long.bitCount(widen(r[a], bits, false));
                return next;
            };
            case "clz" -> (r, launch) -> {
                r[d] = Long.numberOfLeadingZeros(widen(r[a], bits, false)) - (64 - bits);
                return next;
            };
            case "brev" -> (r, launch) -> {
                r[d] = Long.reverse(r[a]) >>> (64 - bits);
                return next;
            };
            default -> (r, launch) -> {
                r[d] = findMostSignificant(widen(r[a], bits, signed), bits, signed, shiftAmount);
                return next;
            };
        };
    }

    /** bfind: the position of the most significant bit that differs from the sign (any 1 bit when unsigned). */
    private static long findMostSignificant(long x, int bits, boolean signed, boolean shiftAmount) {
        long v = signed && x < 0 ? ~x : x;
        int position = 63 - Long.numberOfLeadingZeros(v);
        if (position < 0) {
            return 0xffffffffL;
        }
        return shiftAmount ? bits - 1 - position : position;
    }

    private static Step minMax(Site s) {
        boolean relu = s.has("relu");
        PtxType t = integerType(s);
        s.done();
        s.operands(3);
        if (relu && t != PtxType.S32) {
            throw s.error(".relu applies to .s32 only");
        }
        if (t.kind == PtxType.Kind.BITS) {
            throw s.error(s.name + " needs a signed or unsigned type");
        }
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int next = s.next;
        int bits = t.bits;
        boolean signed = t.isSigned();
        boolean min = s.name.equals("min");
        return (r, launch) -> {
            long x = r[a];
            long y = r[b];
            boolean xFirst = orderKey(x, bits, signed) < orderKey(y, bits, signed);
            long m = xFirst == min ? x : y;
            r[d] = relu ? Math.max((int) m, 0) : m;
            return next;
        };
    }

    private static Step logic(Site s) {
        PtxType t = s.type();
        s.done();
        s.operands(3);
        int next = s.next;
        int d = s.dst(0);
        String op = s.name;
        if (t == PtxType.PRED) {
            Site.PredicateSource a = s.predicate(1);
            Site.PredicateSource b = s.predicate(2);
            int x = a.slot();
            int y = b.slot();
            long fx = a.flip();
            long fy = b.flip();
            return switch (op) {
                case "and" -> (r, launch) -> {
                    r[d] = (r[x] ^ fx) & (r[y] ^ fy);
                    return next;
                };
                case "or" -> (r, launch) -> {
                    r[d] = (r[x] ^ fx) | (r[y] ^ fy);
                    return next;
                };
                default -> (r, launch) -> {
                    r[d] = r[x] ^ fx ^ r[y] ^ fy;
                    return next;
                };
            };
        }
        if (!t.isInteger() || t.bits < 16) {
            throw s.error(op + " is not defined on ." + t.ptxName());
        }
        int a = s.src(1, t);
        int b = s.src(2, t);
        return switch (op) {
            case "and" -> (r, launch) -> {
                r[d] = r[a] & r[b];
                return next;
            };
            case "or" -> (r, launch) -> {
                r[d] = r[a] | r[b];
                return next;
            };
            default -> (r, launch) -> {
                r[d] = r[a] ^ r[b];
                return next;
            };
        };
    }

    private static Step shift(Site s) {
        PtxType t = integerType(s);
        s.done();
        s.operands(3);
        boolean left = s.name.equals("shl");
        if (left && t.kind != PtxType.Kind.BITS) {
            throw s.error("shl takes .b16, .b32 or .b64");
        }
        int bits = t.bits;
        boolean arithmetic = t.isSigned();
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, PtxType.U32);
        int next = s.next;
        // The amount is an unsigned 32-bit value; amounts past the width clamp to it (all bits shifted out).
        if (left) {
            return (r, launch) -> {
                long n = r[b] & 0xffffffffL;
                r[d] = n >= bits ? 0 : r[a] << n;
                return next;
            };
        }
        if (arithmetic) {
            return (r, launch) -> {
                long n = r[b] & 0xffffffffL;
                r[d] = widen(r[a], bits, true) >> Math.min(n, 63);
                return next;
            };
        }
        return (r, launch) -> {
            long n = r[b] & 0xffffffffL;
            r[d] = n >= bits ? 0 : widen(r[a], bits, false) >>> n;
            return next;
        };
    }

    private static Step sad(Site s) {
        PtxType t = integerType(s);
        s.done();
        s.operands(4);
        if (t.kind == PtxType.Kind.BITS) {
            throw s.error("sad needs a signed or unsigned type");
        }
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int c = s.src(3, t);
        int next = s.next;
        int bits = t.bits;
        boolean signed = t.isSigned();
        return (r, launch) -> {
            long x = r[a];
            long y = r[b];
            boolean below = orderKey(x, bits, signed) < orderKey(y, bits, signed);
            r[d] = r[c] + (below ? y - x : x - y);
            return next;
        };
    }

    private static Step bitFieldExtract(Site s) {
        PtxType t = integerType(s);
        s.done();
        s.operands(4);
        if (t.bits < 32 || t.kind == PtxType.Kind.BITS) {
            throw s.error("bfe is defined on .u32 .u64 .s32 .s64");
        }
        int bits = t.bits;
        boolean signed = t.isSigned();
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, PtxType.U32);
        int c = s.src(3, PtxType.U32);
        int next = s.next;
        return (r, launch) -> {
            int position = (int) (r[b] & 0xff);
            int length = (int) (r[c] & 0xff);
            long x = widen(r[a], bits, false);
            int available = Math.max(0, Math.min(length, bits - position));
            long field = available == 0 ? 0 : (x >>> position) & (available == 64 ? -1L : (1L << available) - 1);
            // The field's sign bit is its last bit inside the operand; with no field at all it is 0.
            boolean negative = signed && length > 0 && ((x >>> Math.min(position + length - 1, bits - 1)) & 1) != 0;
            r[d] = negative ? field | (available == 64 ? 0 : -1L << available) : field;
            return next;
        };
    }

    private static Step bitFieldInsert(Site s) {
        PtxType t = s.type();
        s.done();
        s.operands(5);
        if (t != PtxType.B32 && t != PtxType.B64) {
            throw s.error("bfi is defined on .b32 and .b64");
        }
        int bits = t.bits;
        int d = s.dst(0);
        int f = s.src(1, t);
        int b = s.src(2, t);
        int c = s.src(3, PtxType.U32);
        int e = s.src(4, PtxType.U32);
        int next = s.next;
        return (r, launch) -> {
            int position = (int) (r[c] & 0xff);
            int length = (int) (r[e] & 0xff);
            int inserted = Math.max(0, Math.min(length, bits - position));
            if (inserted == 0) {
                r[d] = r[b];
            } else {
                long mask = (inserted == 64 ? -1L : (1L << inserted) - 1) << position;
                r[d] = (r[b] & ~mask) | ((r[f] << position) & mask);
            }
            return next;
        };
    }

    private static Step permute(Site s) {
        PtxType t = s.type();
        s.done();
        s.operands(4);
        if (t != PtxType.B32) {
            throw s.error("prmt is defined on .b32 (and only its generic form is supported)");
        }
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int c = s.src(3, t);
        int next = s.next;
        return (r, launch) -> {
            long source = (r[b] << 32) | (r[a] & 0xffffffffL);
            long control = r[c];
            long result = 0;
            for (int i = 0; i < 4; i++) {
                int selector = (int) (control >>> (4 * i)) & 0xf;
                long picked = (source >>> (8 * (selector & 7))) & 0xff;
                // The selector's top bit replicates the picked byte's sign bit instead of copying the byte.
                if ((selector & 8) != 0) {
                    picked = (picked & 0x80) != 0 ? 0xff : 0;
                }
                result |= picked << (8 * i);
            }
            r[d] = result;
            return next;
        };
    }

    private static Step funnelShift(Site s) {
        String direction = s.oneOf("l", "r");
        String mode = s.oneOf("wrap", "clamp");
        PtxType t = s.type();
        s.done();
        s.operands(4);
        if (direction == null || mode == null || t != PtxType.B32) {
            throw s.error("shf takes .l or .r, .wrap or .clamp, and .b32");
        }
        boolean left = direction.equals("l");
        boolean wrap = mode.equals("wrap");
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int c = s.src(3, PtxType.U32);
        int next = s.next;
        return (r, launch) -> {
            // b:a as one 64-bit value, b the upper word.
            long joined = (r[b] << 32) | (r[a] & 0xffffffffL);
            long amount = r[c] & 0xffffffffL;
            int n = (int) (wrap ? amount & 31 : Math.min(amount, 32));
            r[d] = left ? (joined << n) >>> 32 : joined >>> n;
            return next;
        };
    }

    private static Step lop3(Site s) {
        PtxType t = s.type();
        s.done();
        s.operands(5);
        if (t != PtxType.B32 || !(s.operand(4) instanceof Operand.Immediate lut)) {
            throw s.error("lop3 is defined on .b32 with a literal lookup table");
        }
        int table = (int) s.literal(lut.text(), PtxType.B32) & 0xff;
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int c = s.src(3, t);
        int next = s.next;
        return (r, launch) -> {
            // The table is F(0xF0, 0xCC, 0xAA): bit i of it is F for a, b, c bits (i>>2 & 1, i>>1 & 1, i & 1).
            long x = r[a];
            long y = r[b];
            long z = r[c];
            long result = 0;
            for (int i = 0; i < 8; i++) {
                if ((table >> i & 1) != 0) {
                    result |= ((i & 4) != 0 ? x : ~x) & ((i & 2) != 0 ? y : ~y) & ((i & 1) != 0 ? z : ~z);
                }
            }
            r[d] = result;
            return next;
        };
    }
}
