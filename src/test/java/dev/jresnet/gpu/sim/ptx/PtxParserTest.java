package dev.jresnet.gpu.sim.ptx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parser reads every shipped file, and refuses (with the line) what it cannot run. */
class PtxParserTest {
    private static final Map<String, List<String>> KERNELS = Map.of(
            "residual_add", List.of("residual_add_f32", "residual_add_f16", "residual_add_bf16"),
            "relu", List.of("relu_f32", "relu_f16"),
            "pad2d", List.of("pad2d_f32", "pad2d_nhwc_f16", "pad2d_nhwc_bf16"),
            "pool2d", List.of("max_pool2d_f32", "avg_pool2d_f32", "max_pool2d_nhwc_f16", "max_pool2d_nhwc_bf16",
                    "avg_pool2d_nhwc_f16", "avg_pool2d_nhwc_bf16"),
            "channel_pad", List.of("channel_pad_f32", "channel_pad_nhwc_f16", "channel_pad_nhwc_bf16"),
            "normalize_u8", List.of("normalize_u8_hwc_to_nchw_f32", "normalize_u8_hwc_to_nhwc_f16",
                    "normalize_u8_hwc_to_nhwc_bf16"),
            "convert", List.of("nchw_f32_to_nhwc_f16", "nchw_f32_to_nhwc_bf16", "f16_to_f32", "bf16_to_f32"));

    @Test
    void everyShippedFileParses() {
        assertEquals(KERNELS.keySet(), Set.of(ShippedPtx.FILES));
        for (String file : ShippedPtx.FILES) {
            // As cuModuleLoadData gets it: NUL-terminated.
            PtxModule module = PtxModule.parse(ShippedPtx.text(file) + "\0");
            assertEquals("sm_75", module.target(), file);
            assertEquals(75, module.targetSm(), file);
            assertEquals(64, module.addressSize(), file);
            assertTrue(module.versionMajor() < 8 || module.versionMajor() == 8 && module.versionMinor() == 0, file);
            assertEquals(KERNELS.get(file), List.copyOf(module.kernels().keySet()), file);
        }
    }

    @Test
    void parametersAreReportedAsDeclared() {
        assertEquals(List.of(new PtxParam("residual_add_f32_param_0", "u64", 8),
                new PtxParam("residual_add_f32_param_1", "u64", 8), new PtxParam("residual_add_f32_param_2", "u64", 8),
                new PtxParam("residual_add_f32_param_3", "u64", 8), new PtxParam("residual_add_f32_param_4", "u32", 4)),
                ShippedPtx.kernel("residual_add", "residual_add_f32").params());
        List<PtxParam> normalize = ShippedPtx.kernel("normalize_u8", "normalize_u8_hwc_to_nchw_f32").params();
        assertEquals(List.of("u64", "u64", "u64", "u32", "u32", "f32", "f32", "f32", "f32", "f32", "f32"),
                normalize.stream().map(PtxParam::type).toList());
    }

    /** A kernel whose body is {@code body}, with a few registers declared; line 8 is the body's first line. */
    private static String kernel(String body) {
        return """
                .version 6.3
                .target sm_75
                .address_size 64
                .visible .entry k(.param .u64 k_param_0)
                {
                    .reg .b32 %r<4>;
                    .reg .b64 %rd<4>;
                """ + body + "\n}\n";
    }

    @Test
    void errorsNameTheLine() {
        String ptx = kernel("""
                    ld.param.u64 %rd1, [k_param_0];
                    add.s32 %r1, %r2, %r3;
                    add.f33 %r1, %r2, %r3;
                    ret;""");
        PtxSyntaxException e = assertThrows(PtxSyntaxException.class, () -> PtxModule.parse(ptx));
        assertEquals(10, e.lineNumber());
        assertEquals("add.f33 %r1, %r2, %r3;", e.lineText().strip());
        assertTrue(e.getMessage().startsWith("PTX line 10: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ld.shared.f32 %r1, [%rd1];",
            "ld.local.u32 %r1, [%rd1];",
            "ld.volatile.global.u32 %r1, [%rd1];",
            "atom.global.add.u32 %r1, [%rd1], 1;",
            "red.global.add.u32 [%rd1], 1;",
            "bar.sync 0;",
            "membar.gl;",
            "call foo, (%r1);",
            "tex.2d.v4.f32.f32 {%r0, %r1, %r2, %r3}, [t, {%r1, %r2}];",
            "shfl.sync.bfly.b32 %r1, %r2, 1, 31, -1;",
            "mov.u32 %r1, %clock;",
            "add.s32 %r1, %r2, %r9;",
            "bra $L_nowhere;",
            "add.cc.u32 %r1, %r2, %r3;",
            "prmt.b32.f4e %r1, %r2, %r3, %r0;",
            "mov.f32 %r1, 1;",
            ".shared .align 4 .b8 buffer[16];",
            ".local .b32 spill;",
    })
    void whatItCannotRunIsRefusedAtParseTime(String line) {
        String ptx = kernel("    ld.param.u64 %rd1, [k_param_0];\n    " + line + "\n    ret;");
        PtxSyntaxException e = assertThrows(PtxSyntaxException.class, () -> PtxModule.parse(ptx));
        assertEquals(9, e.lineNumber(), e.getMessage());
    }

    @Test
    void moduleLevelFunctionsAndVariablesAreRefused() {
        assertThrows(PtxSyntaxException.class, () -> PtxModule.parse(
                ".version 6.3\n.target sm_75\n.address_size 64\n.func f()\n{\nret;\n}\n"));
        assertThrows(PtxSyntaxException.class, () -> PtxModule.parse(
                ".version 6.3\n.target sm_75\n.address_size 64\n.global .align 4 .b8 table[16];\n"));
        assertThrows(PtxSyntaxException.class, () -> PtxModule.parse(".target sm_75\n.address_size 64\n"));
    }

    @Test
    void registersDeclaredInABlockAreOnlyVisibleInside() {
        String inside = kernel("""
                    { .reg .pred %q; setp.eq.s32 %q, %r1, 0; selp.u32 %r2, 1, 0, %q; }
                    ret;""");
        assertEquals(List.of("k"), List.copyOf(PtxModule.parse(inside).kernels().keySet()));
        String outside = kernel("""
                    { .reg .pred %q; setp.eq.s32 %q, %r1, 0; }
                    selp.u32 %r2, 1, 0, %q;
                    ret;""");
        PtxSyntaxException e = assertThrows(PtxSyntaxException.class, () -> PtxModule.parse(outside));
        assertEquals(9, e.lineNumber());
    }

    @Test
    void commentsAndDirectivesNvccWritesAreSkipped() {
        String ptx = """
                //
                // Generated by a compiler
                //
                .version 6.3
                .target sm_75
                .address_size 64
                .file 1 "/tmp/k.cu"
                /* a block comment
                   over two lines */
                .visible .entry k(
                    .param .u64 k_param_0
                )
                .maxntid 256, 1, 1
                .minnctapersm 2
                {
                    .reg .b32 %r<3>;
                    .reg .b64 %rd<2>;
                    .loc 1 5 3
                    ld.param.u64 %rd1, [k_param_0]; // the output
                    mov.u32 %r1, %tid.x;
                $L__BB0_1:
                    .pragma "nounroll";
                    st.global.u32 [%rd1], %r1;
                    ret;
                }
                """;
        PtxKernel k = PtxModule.parse(ptx).kernels().get("k");
        ByteArrayMemory memory = new ByteArrayMemory(256);
        long out = memory.allocate(4);
        k.launch(1, 1, 1, 7, 1, 1, new Params().u64(out).list(), memory, 1);
        assertEquals(6, memory.load(out, 4), "the last thread (tid 6) stores last");
        assertThrows(PtxLaunchException.class,
                () -> k.launch(1, 1, 1, 257, 1, 1, new Params().u64(out).list(), memory, 1), ".maxntid 256");
    }
}
