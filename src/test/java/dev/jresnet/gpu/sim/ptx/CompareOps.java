package dev.jresnet.gpu.sim.ptx;

import java.util.Locale;

/** setp and set (compare, optionally combined with a predicate), selp and slct (select). */
final class CompareOps {
    private CompareOps() {
    }

    /**
     * A comparison as a 4-bit truth table indexed by the outcome: 0 less, 1 equal, 2 greater, 3 unordered (a NaN).
     * Integer comparisons never reach index 3.
     */
    private enum Relation {
        EQ(0b0010), NE(0b0101), LT(0b0001), LE(0b0011), GT(0b0100), GE(0b0110),
        EQU(0b1010), NEU(0b1101), LTU(0b1001), LEU(0b1011), GTU(0b1100), GEU(0b1110), NUM(0b0111), NAN(0b1000);

        final int table;

        Relation(int table) {
            this.table = table;
        }
    }

    /** The outcome of one comparison on two operand patterns: 1 when it holds, else 0. */
    @FunctionalInterface
    private interface Comparison {
        long test(long x, long y);
    }

    static Step decode(Site s) {
        return switch (s.name) {
            case "setp" -> setp(s);
            case "set" -> set(s);
            case "selp" -> selp(s);
            default -> slct(s);
        };
    }

    private static Relation relation(Site s) {
        String name = s.oneOf("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs", "equ", "neu", "ltu", "leu",
                "gtu", "geu", "num", "nan");
        if (name == null) {
            throw s.error(s.name + " needs a comparison");
        }
        return switch (name) {
            case "lo" -> Relation.LT;
            case "ls" -> Relation.LE;
            case "hi" -> Relation.GT;
            case "hs" -> Relation.GE;
            default -> Relation.valueOf(name.toUpperCase(Locale.ROOT));
        };
    }

    /** Checks the comparison suits the type, as PTX does: signed order on .s, unsigned on .u, only (in)equality on .b. */
    private static void check(Site s, String written, Relation relation, PtxType t) {
        boolean ok = switch (t.kind) {
            case SIGNED -> relation.ordinal() <= Relation.GE.ordinal() && !written.matches("lo|ls|hi|hs");
            case UNSIGNED -> relation.ordinal() <= Relation.GE.ordinal();
            case BITS -> relation == Relation.EQ || relation == Relation.NE;
            case FLOAT, PACKED_FLOAT -> !written.matches("lo|ls|hi|hs");
            default -> false;
        };
        if (!ok || t.isInteger() && t.bits < 16) {
            throw s.error("." + written + " does not compare ." + t.ptxName());
        }
    }

    private static String comparisonName(Site s) {
        String[] parts = s.instruction.opcode().split("\\.");
        return parts.length > 1 ? parts[1] : "";
    }

    /** One comparison on one lane of type {@code t} (for packed types, one 16-bit half). */
    private static Comparison comparison(Relation relation, PtxType t, boolean ftz) {
        int table = relation.table;
        if (t.isInteger()) {
            int bits = t.bits;
            boolean signed = t.isSigned();
            return (x, y) -> (table >>> (Long.compare(IntegerOps.orderKey(x, bits, signed),
                    IntegerOps.orderKey(y, bits, signed)) + 1)) & 1;
        }
        FloatFormat f = t.format();
        return (x, y) -> {
            double u = f.toDouble(ftz ? f.flushSubnormal(x) : x);
            double v = f.toDouble(ftz ? f.flushSubnormal(y) : y);
            int outcome = u < v ? 0 : u == v ? 1 : u > v ? 2 : 3;
            return (table >>> outcome) & 1;
        };
    }

    private static Step setp(Site s) {
        String written = comparisonName(s);
        Relation relation = relation(s);
        String combine = s.oneOf("and", "or", "xor");
        boolean ftz = s.has("ftz");
        PtxType t = s.type();
        s.done();
        check(s, written, relation, t);
        s.operands(combine == null ? 3 : 4);
        int p;
        int q;
        if (s.operand(0) instanceof Operand.PredicatePair pair) {
            p = s.dst(pair.first());
            q = s.dst(pair.second());
        } else {
            p = s.dst(0);
            q = -1;
        }
        boolean packed = t.kind == PtxType.Kind.PACKED_FLOAT;
        if (packed && q < 0) {
            throw s.error("setp on a packed type writes two predicates: p|q");
        }
        int a = s.src(1, t);
        int b = s.src(2, t);
        int next = s.next;
        PtxType lane = packed ? (t == PtxType.F16X2 ? PtxType.F16 : PtxType.BF16) : t;
        Comparison compare = comparison(relation, lane, ftz);
        // The usual forms (one predicate, no combination, integer or f32) compare inline, without the call through
        // Comparison: they run in every loop of every kernel.
        if (combine == null && q < 0) {
            int table = relation.table;
            if (t.isInteger()) {
                int bits = t.bits;
                boolean signed = t.isSigned();
                return (r, launch) -> {
                    r[p] = (table >>> (Long.compare(IntegerOps.orderKey(r[a], bits, signed),
                            IntegerOps.orderKey(r[b], bits, signed)) + 1)) & 1;
                    return next;
                };
            }
            if (t == PtxType.F32 && !ftz) {
                return (r, launch) -> {
                    float u = FloatOps.f32(r[a]);
                    float v = FloatOps.f32(r[b]);
                    r[p] = (table >>> (u < v ? 0 : u == v ? 1 : u > v ? 2 : 3)) & 1;
                    return next;
                };
            }
        }
        Site.PredicateSource c = combine == null ? null : s.predicate(3);
        int cSlot = c == null ? s.decoder().constant(0) : c.slot();
        long cFlip = c == null ? 0 : c.flip();
        String op = combine == null ? "none" : combine;
        return (r, launch) -> {
            long x = r[a];
            long y = r[b];
            long other = r[cSlot] ^ cFlip;
            long first;
            long second;
            if (packed) {
                // Lane 0 (the low halves) decides p, lane 1 decides q.
                first = compare.test(x & 0xffff, y & 0xffff);
                second = compare.test(x >>> 16 & 0xffff, y >>> 16 & 0xffff);
            } else {
                first = compare.test(x, y);
                second = first ^ 1;
            }
            r[p] = combine(op, first, other);
            if (q >= 0) {
                r[q] = combine(op, second, other);
            }
            return next;
        };
    }

    private static long combine(String op, long t, long c) {
        return switch (op) {
            case "and" -> t & c;
            case "or" -> t | c;
            case "xor" -> t ^ c;
            default -> t;
        };
    }

    private static Step set(Site s) {
        String written = comparisonName(s);
        Relation relation = relation(s);
        String combine = s.oneOf("and", "or", "xor");
        boolean ftz = s.has("ftz");
        PtxType source = s.type();
        PtxType result = s.type();
        s.done();
        check(s, written, relation, source);
        s.operands(combine == null ? 3 : 4);
        boolean packed = source.kind == PtxType.Kind.PACKED_FLOAT;
        long whenTrue = trueValue(s, result, packed);
        int d = s.dst(0);
        int a = s.src(1, source);
        int b = s.src(2, source);
        Site.PredicateSource c = combine == null ? null : s.predicate(3);
        int cSlot = c == null ? s.decoder().constant(0) : c.slot();
        long cFlip = c == null ? 0 : c.flip();
        String op = combine == null ? "none" : combine;
        PtxType lane = packed ? (source == PtxType.F16X2 ? PtxType.F16 : PtxType.BF16) : source;
        Comparison compare = comparison(relation, lane, ftz);
        int next = s.next;
        return (r, launch) -> {
            long x = r[a];
            long y = r[b];
            long other = r[cSlot] ^ cFlip;
            if (packed) {
                long low = combine(op, compare.test(x & 0xffff, y & 0xffff), other) != 0 ? whenTrue : 0;
                long high = combine(op, compare.test(x >>> 16 & 0xffff, y >>> 16 & 0xffff), other) != 0 ? whenTrue : 0;
                r[d] = low | high << 16;
            } else {
                r[d] = combine(op, compare.test(x, y), other) != 0 ? whenTrue : 0;
            }
            return next;
        };
    }

    /** What set writes for true: all ones for integers, 1.0 for floating point (per 16-bit lane when packed). */
    private static long trueValue(Site s, PtxType result, boolean packed) {
        PtxType lane = result;
        if (packed) {
            lane = switch (result) {
                case F16X2 -> PtxType.F16;
                case BF16X2 -> PtxType.BF16;
                case U32, S32 -> PtxType.U16;
                default -> throw s.error("set on a packed type writes .f16x2, .bf16x2, .u32 or .s32");
            };
        }
        return switch (lane) {
            case U16, S16 -> 0xffffL;
            case U32, S32 -> 0xffffffffL;
            case F16, BF16, F32 -> lane.format().one();
            default -> throw s.error("set cannot write ." + result.ptxName());
        };
    }

    private static Step selp(Site s) {
        PtxType t = s.type();
        s.done();
        s.operands(4);
        if (t == PtxType.PRED) {
            throw s.error("selp selects values, not predicates");
        }
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        Site.PredicateSource c = s.predicate(3);
        int p = c.slot();
        int next = s.next;
        return c.flip() == 0 ? (r, launch) -> {
            r[d] = r[p] != 0 ? r[a] : r[b];
            return next;
        } : (r, launch) -> {
            r[d] = r[p] == 0 ? r[a] : r[b];
            return next;
        };
    }

    private static Step slct(Site s) {
        boolean ftz = s.has("ftz");
        PtxType selector = s.type();
        PtxType t = s.type();
        s.done();
        s.operands(4);
        if (selector != PtxType.S32 && selector != PtxType.F32 || ftz && selector != PtxType.F32) {
            throw s.error("slct selects on .s32 or .f32 (.ftz with .f32 only)");
        }
        int d = s.dst(0);
        int a = s.src(1, t);
        int b = s.src(2, t);
        int c = s.src(3, selector);
        int next = s.next;
        boolean integer = selector == PtxType.S32;
        // d = c >= 0 ? a : b; -0.0 counts as >= 0 and NaN does not.
        return (r, launch) -> {
            boolean first = integer ? (int) r[c] >= 0
                    : FloatOps.f32(ftz ? FloatFormat.F32.flushSubnormal(r[c]) : r[c]) >= 0;
            r[d] = first ? r[a] : r[b];
            return next;
        };
    }
}
