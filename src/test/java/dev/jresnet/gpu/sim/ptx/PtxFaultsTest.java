package dev.jresnet.gpu.sim.ptx;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults name the kernel, block, thread and PTX line; launches that do not fit the kernel are refused up front. */
class PtxFaultsTest {
    private static final PtxKernel RESIDUAL_ADD = ShippedPtx.kernel("residual_add", "residual_add_f32");

    /** The line of the PTX file that holds {@code instruction} at {@code line}, whitespace collapsed. */
    private static String lineOf(String file, int line) {
        return ShippedPtx.text(file).split("\n", -1)[line - 1].strip().replaceAll("\\s+", " ");
    }

    @Test
    void outOfBoundsReadNamesKernelBlockThreadAndLine() {
        int n = 1000;
        // a holds 600 floats and the memory ends right after it; b and out are whole. Misaligned by 4 bytes, so the
        // scalar loop runs, one element per thread with 4 blocks of 256: element 600 is block 2, thread 88.
        ByteArrayMemory whole = new ByteArrayMemory(3 * 4 * n + 1024);
        long b = whole.allocate(4 * n + 16) + 4;
        long out = whole.allocate(4 * n + 16) + 4;
        long aStart = whole.allocate(4 * 600 + 4);
        long a = aStart + 4;
        GlobalMemory memory = new GlobalMemory() {
            @Override
            public long load(long address, int bytes) {
                if (address >= a + 4 * 600) {
                    throw new IndexOutOfBoundsException("address 0x" + Long.toHexString(address) + " is past the buffer");
                }
                return whole.load(address, bytes);
            }

            @Override
            public void store(long address, int bytes, long bits) {
                whole.store(address, bytes, bits);
            }
        };
        List<byte[]> params = new Params().u64(a).u64(b).u64(out).u64(n).s32(0).list();
        PtxExecutionException e = assertThrows(PtxExecutionException.class,
                () -> RESIDUAL_ADD.launch(4, 1, 1, 256, 1, 1, params, memory, 1));
        assertEquals("residual_add_f32", e.kernel());
        assertArrayEquals(new int[]{2, 0, 0}, e.block());
        assertArrayEquals(new int[]{88, 0, 0}, e.thread());
        assertEquals(lineOf("residual_add", e.line()), e.instruction());
        assertTrue(e.instruction().startsWith("ld.global"), e.instruction());
        IndexOutOfBoundsException cause = assertInstanceOf(IndexOutOfBoundsException.class, e.getCause());
        for (String part : List.of("residual_add_f32", "block (2,0,0)", "thread (88,0,0)", "line " + e.line(),
                e.instruction(), cause.getMessage())) {
            assertTrue(e.getMessage().contains(part), () -> "message lacks " + part + ": " + e.getMessage());
        }
    }

    @Test
    void faultsStopALaunchOnManyThreadsToo() {
        int n = 100_000;
        ByteArrayMemory memory = new ByteArrayMemory(3 * 4 * 1000 + 1024);
        long a = memory.allocate(4000);
        long b = memory.allocate(4000);
        long out = memory.allocate(4000);
        List<byte[]> params = new Params().u64(a).u64(b).u64(out).u64(n).s32(1).list();
        PtxExecutionException e = assertThrows(PtxExecutionException.class,
                () -> RESIDUAL_ADD.launch(64, 1, 1, 256, 1, 1, params, memory, 4));
        assertInstanceOf(IndexOutOfBoundsException.class, e.getCause());
    }

    @Test
    void wrongParameterCountIsRefusedBeforeAnythingRuns() {
        ByteArrayMemory memory = new ByteArrayMemory(1024);
        long out = memory.allocate(64);
        List<byte[]> fourParams = new Params().u64(out).u64(out).u64(out).u64(16).list();
        PtxLaunchException e = assertThrows(PtxLaunchException.class,
                () -> RESIDUAL_ADD.launch(1, 1, 1, 32, 1, 1, fourParams, memory, 1));
        assertEquals("residual_add_f32 takes 5 parameters, 4 were passed", e.getMessage());
        assertEquals(0, memory.loads(4) + memory.loads(8));
    }

    @Test
    void anIntWhereTheKernelTakesALongIsRefused() {
        ByteArrayMemory memory = new ByteArrayMemory(1024);
        long buffer = memory.allocate(64);
        memory.putFloats(buffer, new float[]{1, 2, 3, 4});
        List<byte[]> nAsInt = new Params().u64(buffer).u64(buffer).u64(buffer).s32(4).s32(0).list();
        PtxLaunchException e = assertThrows(PtxLaunchException.class,
                () -> RESIDUAL_ADD.launch(1, 1, 1, 32, 1, 1, nAsInt, memory, 1));
        assertEquals("residual_add_f32: parameter 3 (residual_add_f32_param_3) is .u64, 8 bytes; 4 bytes were passed",
                e.getMessage());
        assertArrayEquals(new float[]{1, 2, 3, 4}, memory.getFloats(buffer, 4), "nothing ran");
    }

    @Test
    void parametersInTheWrongOrderAreRefused() {
        // normalize takes (in, out, long images, int height, ...): an int first where the long belongs is caught.
        PtxKernel normalize = ShippedPtx.kernel("normalize_u8", "normalize_u8_hwc_to_nchw_f32");
        List<byte[]> swapped = new Params().u64(0).u64(0).s32(4).u64(2).s32(4).f32(0).f32(0).f32(0).f32(1).f32(1)
                .f32(1).list();
        PtxLaunchException e = assertThrows(PtxLaunchException.class,
                () -> normalize.launch(1, 1, 1, 1, 1, 1, swapped, new ByteArrayMemory(64), 1));
        assertTrue(e.getMessage().contains("parameter 2 (normalize_u8_hwc_to_nchw_f32_param_2) is .u64, 8 bytes; 4 bytes"),
                e.getMessage());
    }

    @Test
    void emptyGridsAndBlocksAreRefused() {
        List<byte[]> params = new Params().u64(0).u64(0).u64(0).u64(0).s32(0).list();
        assertThrows(PtxLaunchException.class,
                () -> RESIDUAL_ADD.launch(0, 1, 1, 256, 1, 1, params, new ByteArrayMemory(64), 1));
        assertThrows(PtxLaunchException.class,
                () -> RESIDUAL_ADD.launch(1, 1, 1, 256, 0, 1, params, new ByteArrayMemory(64), 1));
    }

    private static final String VECTOR_COPY = """
            .version 6.3
            .target sm_75
            .address_size 64

            .visible .entry copy4(
                .param .u64 copy4_param_0,
                .param .u64 copy4_param_1
            )
            .reqntid 32, 1, 1
            {
                .reg .f32 %f<5>;
                .reg .b64 %rd<3>;
                ld.param.u64 %rd1, [copy4_param_0];
                ld.param.u64 %rd2, [copy4_param_1];
                ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd1];
                st.global.v4.f32 [%rd2+16], {%f4, %f3, %f2, %f1};
                ret;
            }
            """;

    @Test
    void vectorAccessesMustBeAlignedToTheirWholeSize() {
        PtxKernel copy = PtxModule.parse(VECTOR_COPY).kernels().get("copy4");
        ByteArrayMemory memory = new ByteArrayMemory(1024);
        long in = memory.allocate(64);
        long out = memory.allocate(64);
        memory.putFloats(in, new float[]{1, 2, 3, 4, 5, 6});
        copy.launch(1, 1, 1, 32, 1, 1, new Params().u64(in).u64(out).list(), memory, 1);
        assertArrayEquals(new float[]{4, 3, 2, 1}, memory.getFloats(out + 16, 4));

        // 8-byte aligned is enough for each float but not for a 16-byte vector: CUDA_ERROR_MISALIGNED_ADDRESS.
        PtxExecutionException e = assertThrows(PtxExecutionException.class,
                () -> copy.launch(1, 1, 1, 32, 1, 1, new Params().u64(in + 8).u64(out).list(), memory, 1));
        assertTrue(e.getMessage().contains("misaligned address 0x" + Long.toHexString(in + 8) + " for a 16-byte access"),
                e.getMessage());
        assertEquals(15, e.line());
        assertEquals("ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd1];", e.instruction());
    }

    @Test
    void launchShapeMustMatchReqntid() {
        PtxKernel copy = PtxModule.parse(VECTOR_COPY).kernels().get("copy4");
        PtxLaunchException e = assertThrows(PtxLaunchException.class,
                () -> copy.launch(1, 1, 1, 64, 1, 1, new Params().u64(0).u64(0).list(), new ByteArrayMemory(64), 1));
        assertEquals("copy4 requires blocks of 32x1x1 (.reqntid), not 64x1x1", e.getMessage());
    }
}
