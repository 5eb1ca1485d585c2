package dev.jresnet.gpu.sim.ptx;

import java.util.List;

/** One operand of an instruction as written, with register names already resolved to register-file slots. */
sealed interface Operand {
    /** A declared register (its slot in the thread's register file); {@code negated} for a predicate written !%p. */
    record Register(int slot, String name, PtxType type, boolean negated) implements Operand {
    }

    /** A special register such as %tid.x. */
    record Special(String name) implements Operand {
    }

    /** A literal as written (sign included): 42, -4, 0xff, 0f3F800000, 0d3FF0000000000000, 1.5. */
    record Immediate(String text) implements Operand {
    }

    /** A name that is not a register: a label, a parameter. */
    record Symbol(String name) implements Operand {
    }

    /** The sink _, which discards what is written to it. */
    record Sink() implements Operand {
    }

    /** {a, b, ...}: a vector of registers (or literals when it is a source). */
    record Vector(List<Operand> elements) implements Operand {
    }

    /** [base+offset]: base is a Register, a Symbol (a parameter) or an Immediate (an absolute address). */
    record Address(Operand base, long offset) implements Operand {
    }

    /** p|q: the two predicates setp writes. */
    record PredicatePair(Operand first, Operand second) implements Operand {
    }
}
