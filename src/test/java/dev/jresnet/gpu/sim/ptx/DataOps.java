package dev.jresnet.gpu.sim.ptx;

import java.util.List;

/** mov (with vector packing and unpacking), ld and st (.global, generic and .param), cvta, prefetch. */
final class DataOps {
    private DataOps() {
    }

    static Step decode(Site s) {
        return switch (s.name) {
            case "mov" -> mov(s);
            case "ld" -> load(s);
            case "st" -> store(s);
            case "cvta" -> cvta(s);
            default -> prefetch(s);
        };
    }

    private static Step mov(Site s) {
        PtxType t = s.type();
        s.done();
        s.operands(2);
        int next = s.next;
        if (s.operand(0) instanceof Operand.Vector v) {
            int[] parts = new int[v.elements().size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = s.dst(v.elements().get(i));
            }
            int width = partWidth(s, t, parts.length);
            int a = s.src(1, t);
            long mask = (1L << width) - 1;
            return (r, launch) -> {
                long x = r[a];
                for (int i = 0; i < parts.length; i++) {
                    r[parts[i]] = (x >>> (i * width)) & mask;
                }
                return next;
            };
        }
        int d = s.dst(0);
        if (s.operand(1) instanceof Operand.Vector v) {
            int width = partWidth(s, t, v.elements().size());
            PtxType partType = PtxType.named("b" + width);
            int[] parts = new int[v.elements().size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = s.src(v.elements().get(i), partType);
            }
            long mask = (1L << width) - 1;
            return (r, launch) -> {
                long x = 0;
                for (int i = 0; i < parts.length; i++) {
                    x |= (r[parts[i]] & mask) << (i * width);
                }
                r[d] = x;
                return next;
            };
        }
        int a = s.src(1, t);
        return (r, launch) -> {
            r[d] = r[a];
            return next;
        };
    }

    /** The width of each part when a {@code t} value is split into {@code count}: 2 or 4 parts of 8, 16 or 32 bits. */
    private static int partWidth(Site s, PtxType t, int count) {
        if (t.kind == PtxType.Kind.PREDICATE || (count != 2 && count != 4) || t.bits / count < 8) {
            throw s.error("cannot split ." + t.ptxName() + " into " + count + " parts");
        }
        return t.bits / count;
    }

    /** State space, caching and eviction qualifiers: global or generic memory is all we model. */
    private static String space(Site s) {
        String space = s.oneOf("global", "param", "const", "local", "shared");
        if (space != null && !space.equals("global") && !space.equals("param")) {
            throw s.error("." + space + " memory is not supported");
        }
        if (s.oneOf("volatile", "relaxed", "acquire", "release", "mmio") != null) {
            throw s.error("memory-ordering qualifiers are not supported (no thread communicates with another here)");
        }
        s.has("weak");
        s.has("nc");
        s.oneOf("ca", "cg", "cs", "lu", "cv", "wb", "wt");
        for (String hint : List.of("L1::evict_normal", "L1::evict_unchanged", "L1::evict_first", "L1::evict_last",
                "L1::no_allocate", "L2::64B", "L2::128B", "L2::256B", "L2::evict_normal", "L2::evict_first",
                "L2::evict_last")) {
            s.has(hint);
        }
        return space == null ? "global" : space;
    }

    private static int vectorCount(Site s) {
        String v = s.oneOf("v2", "v4");
        return v == null ? 1 : v.charAt(1) - '0';
    }

    /** The register slots a load writes or a store reads: one operand, or a vector of {@code count}. */
    private static int[] elements(Site s, int operand, int count, boolean written, PtxType t) {
        Operand o = s.operand(operand);
        List<Operand> list = o instanceof Operand.Vector v ? v.elements() : List.of(o);
        if (list.size() != count || (count > 1) != (o instanceof Operand.Vector)) {
            throw s.error("expected " + (count == 1 ? "one register" : "a vector of " + count));
        }
        int[] slots = new int[count];
        for (int i = 0; i < count; i++) {
            slots[i] = written ? s.dst(list.get(i)) : s.src(list.get(i), t);
        }
        return slots;
    }

    private static Step load(Site s) {
        String space = space(s);
        int count = vectorCount(s);
        PtxType t = s.type();
        s.done();
        s.operands(2);
        checkValueType(s, t);
        int[] dst = elements(s, 0, count, true, t);
        if (!(s.operand(1) instanceof Operand.Address address)) {
            throw s.error("ld wants an address [..]");
        }
        int bytes = t.bytes();
        // Signed loads narrower than 64 bits sign-extend into the register.
        int extend = t.isSigned() ? 64 - 8 * bytes : 0;
        int next = s.next;
        if (space.equals("param")) {
            Decoder.Param p = param(s, address, bytes * count);
            int offset = (int) address.offset();
            return (r, launch) -> {
                byte[] value = launch.params()[p.index()];
                for (int i = 0; i < dst.length; i++) {
                    r[dst[i]] = (littleEndian(value, offset + i * bytes, bytes) << extend) >> extend;
                }
                return next;
            };
        }
        int base = addressBase(s, address);
        long offset = address.offset();
        int total = bytes * count;
        if (count == 1) {
            return (r, launch) -> {
                long at = aligned(r[base] + offset, bytes);
                r[dst[0]] = (launch.memory().load(at, bytes) << extend) >> extend;
                return next;
            };
        }
        // Vectors move in 8-byte pieces (GlobalMemory's widest), each holding one or more elements.
        int piece = Math.min(total, 8);
        int perPiece = piece / bytes;
        long mask = elementMask(bytes);
        return (r, launch) -> {
            long at = aligned(r[base] + offset, total);
            for (int p = 0; p < total / piece; p++) {
                long bits = launch.memory().load(at + (long) p * piece, piece);
                for (int e = 0; e < perPiece; e++) {
                    long element = (bits >>> (e * 8 * bytes)) & mask;
                    r[dst[p * perPiece + e]] = (element << extend) >> extend;
                }
            }
            return next;
        };
    }

    private static Step store(Site s) {
        String space = space(s);
        if (space.equals("param")) {
            throw s.error("st.param is only for calls, which are not supported");
        }
        int count = vectorCount(s);
        PtxType t = s.type();
        s.done();
        s.operands(2);
        checkValueType(s, t);
        if (!(s.operand(0) instanceof Operand.Address address)) {
            throw s.error("st wants an address [..]");
        }
        int[] src = elements(s, 1, count, false, t);
        int base = addressBase(s, address);
        long offset = address.offset();
        int bytes = t.bytes();
        int total = bytes * count;
        int next = s.next;
        if (count == 1) {
            return (r, launch) -> {
                launch.memory().store(aligned(r[base] + offset, bytes), bytes, r[src[0]]);
                return next;
            };
        }
        int piece = Math.min(total, 8);
        int perPiece = piece / bytes;
        long mask = elementMask(bytes);
        return (r, launch) -> {
            long at = aligned(r[base] + offset, total);
            for (int p = 0; p < total / piece; p++) {
                long bits = 0;
                for (int e = 0; e < perPiece; e++) {
                    bits |= (r[src[p * perPiece + e]] & mask) << (e * 8 * bytes);
                }
                launch.memory().store(at + (long) p * piece, piece, bits);
            }
            return next;
        };
    }

    /** The low {@code bytes} bytes of a 64-bit word. */
    private static long elementMask(int bytes) {
        return bytes == 8 ? -1L : (1L << (8 * bytes)) - 1;
    }

    private static void checkValueType(Site s, PtxType t) {
        if (t == PtxType.PRED) {
            throw s.error("predicates cannot be loaded or stored");
        }
    }

    /** The slot holding an address's base: a register, or a literal absolute address. */
    private static int addressBase(Site s, Operand.Address address) {
        if (address.base() instanceof Operand.Register r && r.type() != PtxType.PRED && !r.negated()) {
            return r.slot();
        }
        if (address.base() instanceof Operand.Immediate) {
            return s.src(address.base(), PtxType.U64);
        }
        throw s.error("an address in global memory is a register or a number");
    }

    private static Decoder.Param param(Site s, Operand.Address address, int bytes) {
        if (!(address.base() instanceof Operand.Symbol symbol) || s.decoder().param(symbol.name()) == null) {
            throw s.error("ld.param reads a parameter of this kernel by name");
        }
        Decoder.Param p = s.decoder().param(symbol.name());
        if (address.offset() < 0 || address.offset() + bytes > p.bytes() || address.offset() % bytes != 0) {
            throw s.error("reads " + bytes + " bytes at offset " + address.offset() + " of a " + p.bytes()
                    + "-byte parameter");
        }
        return p;
    }

    /** The address, or a fault when it is not a multiple of the access size (as on a GPU: misaligned address). */
    static long aligned(long address, int bytes) {
        if ((address & (bytes - 1)) != 0) {
            throw new Fault("misaligned address 0x" + Long.toHexString(address) + " for a " + bytes + "-byte access");
        }
        return address;
    }

    private static long littleEndian(byte[] bytes, int offset, int count) {
        long v = 0;
        for (int i = count - 1; i >= 0; i--) {
            v = (v << 8) | (bytes[offset + i] & 0xff);
        }
        return v;
    }

    private static Step cvta(Site s) {
        s.has("to");
        if (!s.has("global")) {
            throw s.error("cvta: only .global is supported (generic and global addresses are the same here)");
        }
        s.type();
        s.done();
        s.operands(2);
        int d = s.dst(0);
        int a = s.src(1, PtxType.U64);
        int next = s.next;
        return (r, launch) -> {
            r[d] = r[a];
            return next;
        };
    }

    private static Step prefetch(Site s) {
        s.has("global");
        s.oneOf("L1", "L2");
        s.done();
        s.operands(1);
        if (!(s.operand(0) instanceof Operand.Address)) {
            throw s.error("prefetch wants an address [..]");
        }
        // A cache hint only: no effect on results, and a GPU ignores it even for a bad address.
        int next = s.next;
        return (r, launch) -> next;
    }
}
