package dev.jresnet.gpu.sim.ptx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one .entry's parsed instructions into Steps over a register file: declared registers first, then one slot per
 * special register used, per distinct literal, and a scratch slot for the sink _. Literals live in slots so that every
 * operand is read the same way.
 */
final class Decoder {
    /** The special registers a launch fills in, in the order of {@link Program#specialSlots}. */
    static final List<String> SPECIALS = List.of("%tid.x", "%tid.y", "%tid.z", "%ntid.x", "%ntid.y", "%ntid.z",
            "%ctaid.x", "%ctaid.y", "%ctaid.z", "%nctaid.x", "%nctaid.y", "%nctaid.z", "%laneid", "%warpid");

    /** What a launch runs: the steps (one per instruction, then an exit), where each came from, initial registers. */
    record Program(Step[] code, int[] lines, String[] texts, long[] initialRegisters, int[] specialSlots) {
    }

    /** A kernel parameter as ld.param sees it. */
    record Param(int index, int bytes) {
    }

    private final Parser.EntrySource entry;
    private final List<Long> initialValues = new ArrayList<>();
    private final Map<Long, Integer> constants = new HashMap<>();
    private final Map<String, Integer> specials = new HashMap<>();
    private final Map<String, Param> params = new HashMap<>();
    private int sink = -1;

    Decoder(Parser.EntrySource entry) {
        this.entry = entry;
        for (int i = 0; i < entry.registerTypes().size(); i++) {
            initialValues.add(0L);
        }
        for (int i = 0; i < entry.params().size(); i++) {
            params.put(entry.params().get(i).name(), new Param(i, entry.params().get(i).bytes()));
        }
    }

    Program decode() {
        List<Instruction> instructions = entry.instructions();
        int n = instructions.size();
        Step[] code = new Step[n + 1];
        int[] lines = new int[n + 1];
        String[] texts = new String[n + 1];
        for (int i = 0; i < n; i++) {
            Instruction instruction = instructions.get(i);
            code[i] = decode(new Site(this, instruction, i + 1));
            lines[i] = instruction.line();
            texts[i] = instruction.text();
        }
        // Running off the end of the body ends the thread, as ret would.
        code[n] = (r, launch) -> -1;
        lines[n] = n == 0 ? entry.line() : lines[n - 1];
        texts[n] = "(end of " + entry.name() + ")";
        long[] initial = new long[initialValues.size()];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = initialValues.get(i);
        }
        int[] specialSlots = new int[SPECIALS.size()];
        for (int i = 0; i < specialSlots.length; i++) {
            specialSlots[i] = specials.getOrDefault(SPECIALS.get(i), -1);
        }
        return new Program(code, lines, texts, initial, specialSlots);
    }

    private Step decode(Site site) {
        Step step = switch (site.name) {
            case "bra", "ret", "exit", "trap" -> ControlOps.decode(site);
            case "mov", "ld", "st", "cvta", "prefetch" -> DataOps.decode(site);
            case "setp", "set", "selp", "slct" -> CompareOps.decode(site);
            case "cvt" -> ConvertOps.decode(site);
            case "add", "sub", "mul", "mad", "fma", "div", "rem", "abs", "neg", "min", "max", "and", "or", "xor", "not",
                    "cnot", "sad", "popc", "clz", "bfind", "brev", "bfe", "bfi", "prmt", "shf", "shl", "shr", "lop3",
                    "rcp", "sqrt", "rsqrt", "sin", "cos", "lg2", "ex2", "tanh", "copysign", "testp" -> arithmetic(site);
            default -> throw site.error("unsupported instruction " + site.name);
        };
        Operand.Register guard = site.instruction.guard();
        if (guard == null || site.name.equals("bra")) {
            return step;
        }
        int p = guard.slot();
        int next = site.next;
        return guard.negated() ? (r, launch) -> r[p] == 0 ? step.run(r, launch) : next
                : (r, launch) -> r[p] != 0 ? step.run(r, launch) : next;
    }

    /** Routes an arithmetic-family opcode by the kind of its type (the last modifier). */
    private static Step arithmetic(Site site) {
        String opcode = site.instruction.opcode();
        String last = opcode.substring(opcode.lastIndexOf('.') + 1);
        PtxType type = PtxType.named(last);
        if (type == null) {
            throw site.error(opcode + ": ." + last + " is not a type (this form is not supported)");
        }
        if (type.isHalf()) {
            return HalfOps.decode(site);
        }
        if (type == PtxType.F32 || type == PtxType.F64) {
            return FloatOps.decode(site);
        }
        return IntegerOps.decode(site);
    }

    int constant(long bits) {
        return constants.computeIfAbsent(bits, this::newSlot);
    }

    int special(String name) {
        if (name.equals("WARP_SZ")) {
            return constant(32);
        }
        return specials.computeIfAbsent(name, unused -> newSlot(0L));
    }

    int sink() {
        if (sink < 0) {
            sink = newSlot(0L);
        }
        return sink;
    }

    Integer label(String name) {
        return entry.labels().get(name);
    }

    Param param(String name) {
        return params.get(name);
    }

    private int newSlot(long initialValue) {
        initialValues.add(initialValue);
        return initialValues.size() - 1;
    }
}
