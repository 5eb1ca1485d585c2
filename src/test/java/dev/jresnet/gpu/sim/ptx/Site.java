package dev.jresnet.gpu.sim.ptx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One instruction while it is decoded: its opcode's modifiers, consumed as the decoder recognizes them (so any left
 * over are refused), and its operands turned into register-file slots.
 */
final class Site {
    /** A predicate source: its slot, and 1 to flip it (written !%p) or 0. */
    record PredicateSource(int slot, long flip) {
    }

    private final Decoder decoder;
    final Instruction instruction;
    final String name;
    /** The index of the instruction that follows this one. */
    final int next;
    private final List<String> modifiers;

    Site(Decoder decoder, Instruction instruction, int next) {
        this.decoder = decoder;
        this.instruction = instruction;
        this.next = next;
        String[] parts = instruction.opcode().split("\\.", -1);
        this.name = parts[0];
        this.modifiers = new ArrayList<>(Arrays.asList(parts).subList(1, parts.length));
        if (modifiers.contains("")) {
            throw error("empty modifier in " + instruction.opcode());
        }
    }

    /** Whether the opcode carries {@code .modifier}; consumes it. */
    boolean has(String modifier) {
        return modifiers.remove(modifier);
    }

    /** Which one of {@code options} the opcode carries (null for none); consumes it. */
    String oneOf(String... options) {
        String found = null;
        for (String option : options) {
            if (modifiers.contains(option)) {
                if (found != null) {
                    throw error("." + found + " and ." + option + " exclude each other");
                }
                found = option;
            }
        }
        modifiers.remove(found);
        return found;
    }

    /** The rounding modifier (.rn .rz .rm .rp, or with {@code integral} .rni .rzi .rmi .rpi), or null; consumes it. */
    Rounding rounding(boolean integral) {
        String m = integral ? oneOf("rni", "rzi", "rmi", "rpi") : oneOf("rn", "rz", "rm", "rp");
        return m == null ? null : Rounding.named(m);
    }

    /** The last modifier, which must name a type; consumes it. */
    PtxType type() {
        if (modifiers.isEmpty()) {
            throw error(name + " needs a type");
        }
        String last = modifiers.remove(modifiers.size() - 1);
        PtxType t = PtxType.named(last);
        if (t == null) {
            throw error("." + last + " is not a type");
        }
        return t;
    }

    /** Refuses any modifier not consumed: the decoder does not implement it. */
    void done() {
        if (!modifiers.isEmpty()) {
            throw error("." + String.join(".", modifiers) + " is not supported on " + name);
        }
    }

    void operands(int count) {
        if (instruction.operands().size() != count) {
            throw error(name + " takes " + count + " operands, not " + instruction.operands().size());
        }
    }

    Operand operand(int i) {
        return instruction.operands().get(i);
    }

    /** The slot operand {@code i} writes: a register, or a scratch slot for the sink _. */
    int dst(int i) {
        return dst(operand(i));
    }

    int dst(Operand o) {
        if (o instanceof Operand.Sink) {
            return decoder.sink();
        }
        if (o instanceof Operand.Register r && !r.negated()) {
            return r.slot();
        }
        throw error("cannot write to " + describe(o));
    }

    /** The slot operand {@code i} is read from: a register, a special register, or a slot holding the literal. */
    int src(int i, PtxType type) {
        return src(operand(i), type);
    }

    int src(Operand o, PtxType type) {
        if (o instanceof Operand.Register r && !r.negated()) {
            return r.slot();
        }
        if (o instanceof Operand.Special sp) {
            return decoder.special(sp.name());
        }
        if (o instanceof Operand.Immediate imm) {
            return decoder.constant(literal(imm.text(), type));
        }
        throw error("cannot read " + describe(o) + " here");
    }

    /** A predicate operand, which may be negated (!%p) where PTX allows it. */
    PredicateSource predicate(int i) {
        Operand o = operand(i);
        if (o instanceof Operand.Register r && r.type() == PtxType.PRED) {
            return new PredicateSource(r.slot(), r.negated() ? 1 : 0);
        }
        if (o instanceof Operand.Immediate imm) {
            return new PredicateSource(decoder.constant(literal(imm.text(), PtxType.PRED)), 0);
        }
        throw error("operand " + (i + 1) + " must be a predicate");
    }

    /** The instruction index a branch target label stands for. */
    int label(int i) {
        if (operand(i) instanceof Operand.Symbol s) {
            Integer target = decoder.label(s.name());
            if (target != null) {
                return target;
            }
            throw error("no label " + s.name() + " in this kernel");
        }
        throw error("a branch target must be a label");
    }

    Decoder decoder() {
        return decoder;
    }

    /** The bits a literal stands for in an operand of type {@code type}. */
    long literal(String text, PtxType type) {
        try {
            if (type.isHalf()) {
                throw error("half-precision instructions take no literals: " + text);
            }
            if (type == PtxType.F32 || type == PtxType.F64) {
                if (!Literals.isFloatBits(stripSign(text)) && !Literals.isDoubleBits(stripSign(text))
                        && !Literals.isDecimalFloat(text)) {
                    throw error("an integer literal where a floating-point one is expected: " + text);
                }
                return type.format().fromDouble(Literals.parseDouble(text), Rounding.NEAREST_EVEN);
            }
            if (Literals.isFloatBits(text) && type.bits == 32 || Literals.isDoubleBits(text) && type.bits == 64) {
                return Long.parseUnsignedLong(text.substring(2), 16);
            }
            if (Literals.isDecimalFloat(text) || Literals.isFloatBits(text) || Literals.isDoubleBits(text)) {
                throw error("a floating-point literal where ." + type.ptxName() + " is expected: " + text);
            }
            long v = Literals.parseInteger(text);
            // A predicate literal is true when nonzero (compilers write -1 as well as 1).
            return type == PtxType.PRED ? (v != 0 ? 1 : 0) : v;
        } catch (NumberFormatException e) {
            throw error("cannot read the literal " + text);
        }
    }

    private static String stripSign(String text) {
        return text.startsWith("-") ? text.substring(1) : text;
    }

    private static String describe(Operand o) {
        if (o instanceof Operand.Register r) {
            return (r.negated() ? "!" : "") + r.name();
        } else if (o instanceof Operand.Special s) {
            return s.name();
        } else if (o instanceof Operand.Immediate i) {
            return "literal " + i.text();
        } else if (o instanceof Operand.Symbol s) {
            return "unknown name " + s.name();
        } else if (o instanceof Operand.Sink) {
            return "_";
        } else if (o instanceof Operand.Vector) {
            return "a vector";
        } else if (o instanceof Operand.Address) {
            return "an address";
        }
        return "a predicate pair";
    }

    PtxSyntaxException error(String problem) {
        return new PtxSyntaxException(instruction.line(), instruction.lineText(), problem);
    }
}
