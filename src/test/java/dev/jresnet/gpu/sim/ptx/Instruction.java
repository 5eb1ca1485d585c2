package dev.jresnet.gpu.sim.ptx;

import java.util.List;

/**
 * One instruction as parsed: where it is (line number, the whole line, its own text with whitespace collapsed, for
 * messages), its guard predicate (null when it always runs), the opcode with its modifiers ("ld.global.nc.v4.f32")
 * and its operands.
 */
record Instruction(int line, String lineText, String text, Operand.Register guard, String opcode,
                   List<Operand> operands) {
}
