package dev.jresnet.gpu.sim.ptx;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A hand-written one-thread kernel of independent checks: each runs a few instructions that leave a 32-bit result in
 * %r10 or a 64-bit one in %rd10, which the kernel stores to its own slot of the output; {@link #run} compares every
 * slot with the expected value and names the check that differs.
 */
final class CheckKernel {
    private final String header;
    private final StringBuilder setup = new StringBuilder();
    private final StringBuilder body = new StringBuilder();
    private final List<Long> expected = new ArrayList<>();
    private final List<Boolean> wide = new ArrayList<>();
    private final List<String> checks = new ArrayList<>();

    /** A kernel for {@code target} at ISA {@code version} (what ptxas would want to assemble it). */
    CheckKernel(String version, String target) {
        this.header = ".version " + version + "\n.target " + target + "\n.address_size 64\n";
    }

    /** Instructions that run before every check, to set up inputs. */
    CheckKernel setup(String instructions) {
        setup.append(instructions).append('\n');
        return this;
    }

    void check32(long value, String instructions) {
        add(value, instructions, false);
    }

    void check64(long value, String instructions) {
        add(value, instructions, true);
    }

    private void add(long value, String instructions, boolean is64) {
        int offset = 8 * expected.size();
        body.append(instructions).append('\n');
        body.append(is64 ? "st.global.u64 [%rd9+" + offset + "], %rd10;\n" : "st.global.u32 [%rd9+" + offset + "], %r10;\n");
        expected.add(is64 ? value : (int) value);
        wide.add(is64);
        checks.add(instructions.strip());
    }

    String ptx() {
        return header + """

                .visible .entry checks(
                    .param .u64 checks_param_0
                )
                {
                    .reg .pred %p<8>;
                    .reg .b16 %rs<16>;
                    .reg .b32 %r<24>;
                    .reg .b64 %rd<16>;
                    .reg .f32 %f<16>;
                    .reg .f64 %fd<4>;
                    ld.param.u64 %rd9, [checks_param_0];
                """ + setup + body + "ret;\n}\n";
    }

    void run() {
        ByteArrayMemory memory = new ByteArrayMemory(8 * expected.size() + 256);
        long out = memory.allocate(8 * expected.size());
        PtxModule.parse(ptx()).kernels().get("checks").launch(1, 1, 1, 1, 1, 1, new Params().u64(out).list(), memory, 1);
        for (int i = 0; i < expected.size(); i++) {
            boolean is64 = wide.get(i);
            long actual = is64 ? memory.load(out + 8L * i, 8) : (int) memory.load(out + 8L * i, 4);
            long want = expected.get(i);
            if (actual != want) {
                fail(checks.get(i) + "\n  expected " + hex(want, is64) + " (" + want + "), got " + hex(actual, is64) + " ("
                        + actual + ")");
            }
        }
    }

    private static String hex(long v, boolean is64) {
        return "0x" + (is64 ? Long.toHexString(v) : Integer.toHexString((int) v));
    }
}
