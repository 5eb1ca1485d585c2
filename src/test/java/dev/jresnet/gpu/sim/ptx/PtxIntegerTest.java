package dev.jresnet.gpu.sim.ptx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Integer corner cases in a hand-written kernel: each check computes into %r10 (32-bit) or %rd10 (64-bit) from the
 * inputs set up first, and the expected value is the arithmetic written next to it.
 */
class PtxIntegerTest {
    /** Registers every check may read. */
    private final CheckKernel kernel = new CheckKernel("6.3", "sm_75").setup("""
            mov.u32 %r1, 1;
            mov.u32 %r2, -8;
            mov.u32 %r3, 0x80000000;
            mov.u32 %r4, -7;
            mov.u32 %r5, 2;
            mov.u32 %r6, 300;
            mov.u32 %r7, -1;
            mov.u32 %r8, 0;
            mov.u32 %r9, 3;
            mov.u64 %rd1, 1;
            mov.u64 %rd3, -1;
            mov.u64 %rd4, 0x8000000000000000;
            mov.u64 %rd5, -7;
            mov.u64 %rd6, 2;""");

    private void check32(long value, String instructions) {
        kernel.check32(value, instructions);
    }

    private void check64(long value, String instructions) {
        kernel.check64(value, instructions);
    }

    private void setup(String instructions) {
        kernel.setup(instructions);
    }

    private void run() {
        kernel.run();
    }

    @Test
    void shiftAmountsClampToTheWidth() {
        setup("mov.u32 %r11, 0x80000001;\n");
        check32(Integer.MIN_VALUE, "shl.b32 %r10, %r1, 31;");
        check32(0, "shl.b32 %r10, %r1, 32;");
        check32(0, "shl.b32 %r10, %r1, %r7;"); // an amount of 2^32 - 1
        check32(-1, "shr.s32 %r10, %r2, 40;"); // -8 >> 40: only sign bits remain
        check32(-2, "shr.s32 %r10, %r2, 2;");
        check32(0x3ffffffe, "shr.u32 %r10, %r2, 2;"); // 0xfffffff8 >>> 2
        check32(0, "shr.u32 %r10, %r3, 32;");
        check32(0x7ffffffc, "shr.b32 %r10, %r2, 1;"); // .b shifts in zeros
        check64(0, "shl.b64 %rd10, %rd1, 64;");
        check64(-1, "shr.s64 %rd10, %rd4, 64;");
        check64(1, "shr.u64 %rd10, %rd4, 63;");
        check32(0x18, "shf.l.wrap.b32 %r10, %r11, %r1, 36;"); // n = 36 & 31 = 4: top word of 0x1_80000001 << 4
        check32(1, "shf.r.clamp.b32 %r10, %r11, %r1, 40;"); // n = min(40, 32): the high word
        run();
    }

    @Test
    void comparisonsAreSignedOrUnsignedAsTheTypeSays() {
        setup("setp.ne.s32 %p3, %r1, 0;\n");
        check32(1, "setp.lt.s32 %p1, %r7, %r1;\nselp.u32 %r10, 1, 0, %p1;"); // -1 < 1
        check32(0, "setp.lt.u32 %p1, %r7, %r1;\nselp.u32 %r10, 1, 0, %p1;"); // 0xffffffff < 1
        check32(0, "setp.lo.u32 %p1, %r7, %r1;\nselp.u32 %r10, 1, 0, %p1;");
        check32(1, "setp.hi.u32 %p1, %r7, %r1;\nselp.u32 %r10, 1, 0, %p1;");
        check32(1, "setp.ls.u32 %p1, %r1, %r7;\nselp.u32 %r10, 1, 0, %p1;");
        check32(0, "setp.ge.s32 %p1, %r7, %r1;\nselp.u32 %r10, 1, 0, %p1;");
        check32(1, "setp.gt.u64 %p1, %rd3, %rd1;\nselp.u32 %r10, 1, 0, %p1;"); // 2^64 - 1 > 1
        check32(0, "setp.gt.s64 %p1, %rd3, %rd1;\nselp.u32 %r10, 1, 0, %p1;");
        check32(0xffffffffL, "set.lt.u32.s32 %r10, %r7, %r1;"); // set writes all ones for true
        check32(-1, "min.s32 %r10, %r7, %r1;");
        check32(1, "min.u32 %r10, %r7, %r1;");
        check32(0xffffffffL, "max.u32 %r10, %r7, %r1;");
        check32(0, "max.s32 %r10, %r7, %r8;\nmin.s32 %r10, %r10, %r8;");
        check64(Long.MIN_VALUE, "min.s64 %rd10, %rd4, %rd1;");
        check64(Long.MIN_VALUE, "max.u64 %rd10, %rd4, %rd1;");
        // setp with a second predicate and a boolean combination: p = (a < b) and c, q = !(a < b) and c.
        check32(2, "setp.lt.and.s32 %p1|%p2, %r1, %r7, %p3;\nselp.u32 %r10, 1, 0, %p1;\nselp.u32 %r12, 2, 0, %p2;\n"
                + "add.s32 %r10, %r10, %r12;");
        check32(1, "setp.lt.s32 %p4, %r7, %r1;\n@%p4 bra $L_taken;\nmov.u32 %r10, 0;\nbra.uni $L_done;\n$L_taken:\n"
                + "mov.u32 %r10, 1;\n$L_done:");
        check32(7, "mov.u32 %r10, 7;\n@!%p4 mov.u32 %r10, 9;"); // %p4 is true: the negated guard skips
        // !true | !true = false; false ^ true = true.
        check32(1, "not.pred %p5, %p4;\nor.pred %p6, %p5, !%p3;\nxor.pred %p6, %p6, %p4;\nselp.u32 %r10, 1, 0, %p6;");
        run();
    }

    @Test
    void divisionTruncatesAndRemainderTakesTheDividendsSign() {
        setup("mov.u32 %r13, 7;\n");
        check32(-3, "div.s32 %r10, %r4, %r5;"); // -7 / 2
        check32(-1, "rem.s32 %r10, %r4, %r5;"); // -7 % 2
        check32(1, "neg.s32 %r12, %r5;\nrem.s32 %r10, %r13, %r12;"); // 7 % -2
        check32(0x7ffffffc, "div.u32 %r10, %r4, %r5;"); // 0xfffffff9 / 2
        check32(9, "rem.u32 %r10, %r4, 10;"); // 4294967289 % 10
        check32(Integer.MIN_VALUE, "div.s32 %r10, %r3, %r7;"); // the most negative int / -1 wraps to itself
        check64(0x7ffffffffffffffcL, "div.u64 %rd10, %rd5, %rd6;");
        check64(-3, "div.s64 %rd10, %rd5, %rd6;");
        check64(-1, "rem.s64 %rd10, %rd5, %rd6;");
        run();
    }

    @Test
    void multiplicationHalvesAndSaturation() {
        setup("mov.u32 %r12, -2;\nmov.u32 %r13, 0x10000;\nmov.u32 %r14, -3;\nmov.u32 %r15, 0x7fffffff;\n");
        check32(-1, "mul.hi.s32 %r10, %r12, %r9;"); // -2 * 3 = -6: the upper word is all sign
        check32(0xfffffffeL, "mul.hi.u32 %r10, %r7, %r7;"); // (2^32-1)^2 = 0xfffffffe_00000001
        check32(0, "mul.lo.s32 %r10, %r13, %r13;"); // 2^16 * 2^16 wraps to 0
        check32(85, "mad.lo.s32 %r10, %r14, 5, 100;"); // -3 * 5 + 100
        check64(-6, "mul.wide.s32 %rd10, %r12, %r9;");
        check64(0x1fffffffeL, "mul.wide.u32 %rd10, %r7, %r5;");
        check64(94, "mad.wide.s32 %rd10, %r12, %r9, 100;");
        check64(1, "mul.hi.u64 %rd10, %rd3, %rd6;"); // (2^64-1) * 2 = 0x1_fffffffffffffffe
        check64(-1, "mul.hi.s64 %rd10, %rd3, %rd6;"); // -1 * 2 = -2
        check32(Integer.MAX_VALUE, "add.sat.s32 %r10, %r15, %r1;");
        check32(Integer.MIN_VALUE, "sub.sat.s32 %r10, %r3, %r1;");
        check32(Integer.MIN_VALUE, "abs.s32 %r10, %r3;");
        check32(17, "sad.s32 %r10, %r14, 4, 10;"); // 10 + |-3 - 4|
        run();
    }

    @Test
    void conversionsSaturateTruncateAndExtend() {
        setup("mov.u32 %r13, 0x1ff;\nmov.u32 %r14, 0x80;\nmov.u32 %r15, 70000;\n");
        check32(127, "cvt.sat.s8.s32 %r10, %r6;"); // 300
        check32(-128, "neg.s32 %r12, %r6;\ncvt.sat.s8.s32 %r10, %r12;"); // -300
        check32(0, "cvt.sat.u8.s32 %r10, %r4;"); // -7
        check32(0xff, "cvt.u8.u32 %r10, %r13;"); // 0x1ff truncated
        check32(-128, "cvt.s8.u32 %r10, %r14;"); // 0x80 truncated, then sign-extended
        check32(65535, "cvt.sat.u16.s32 %r10, %r15;"); // 70000
        check32(Integer.MAX_VALUE, "cvt.sat.s32.u32 %r10, %r7;"); // 2^32 - 1
        check64(-1, "cvt.s64.s32 %rd10, %r7;");
        check64(0xffffffffL, "cvt.u64.u32 %rd10, %r7;");
        check64(Long.MIN_VALUE, "cvt.sat.u64.u64 %rd10, %rd4;"); // 2^63 fits a .u64
        check64(Long.MAX_VALUE, "cvt.sat.s64.u64 %rd10, %rd4;"); // but not a .s64
        check64(0, "cvt.sat.u64.s64 %rd10, %rd4;"); // -2^63 is below every unsigned value
        check32(-8, "cvt.u16.u32 %rs1, %r2;\ncvt.s32.s16 %r10, %rs1;"); // 0xfff8 as a signed 16-bit value
        run();
    }

    @Test
    void floatToIntegerConversionsRoundAsAskedAndSaturate() {
        check32(0, "mov.f32 %f1, 0f7FC00000;\ncvt.rzi.s32.f32 %r10, %f1;"); // NaN
        check32(Integer.MAX_VALUE, "mov.f32 %f1, 0f4F32D05E;\ncvt.rzi.s32.f32 %r10, %f1;"); // 3e9
        check32(Integer.MIN_VALUE, "mov.f32 %f1, 0fCF32D05E;\ncvt.rzi.s32.f32 %r10, %f1;"); // -3e9
        check32(-2, "mov.f32 %f1, 0fC02CCCCD;\ncvt.rzi.s32.f32 %r10, %f1;"); // -2.7
        check32(2, "mov.f32 %f1, 0f40200000;\ncvt.rni.s32.f32 %r10, %f1;"); // 2.5: ties to even
        check32(4, "mov.f32 %f1, 0f40600000;\ncvt.rni.s32.f32 %r10, %f1;"); // 3.5
        check32(-3, "mov.f32 %f1, 0fC0200000;\ncvt.rmi.s32.f32 %r10, %f1;"); // -2.5 down
        check32(-2, "mov.f32 %f1, 0fC0200000;\ncvt.rpi.s32.f32 %r10, %f1;"); // -2.5 up
        check32(0, "mov.f32 %f1, 0fBF800000;\ncvt.rzi.u32.f32 %r10, %f1;"); // -1 into unsigned
        check32(0xffffffffL, "mov.f32 %f1, 0f4F9502F9;\ncvt.rni.u32.f32 %r10, %f1;"); // 5e9
        check64(Long.MAX_VALUE, "mov.f64 %fd1, 0d43E158E460913D00;\ncvt.rzi.s64.f64 %rd10, %fd1;"); // 1e19
        check64(Long.parseUnsignedLong("10000000000000000000"), "cvt.rzi.u64.f64 %rd10, %fd1;");
        check64(0, "mov.f32 %f1, 0fBF000000;\ncvt.rni.s64.f32 %rd10, %f1;"); // -0.5 rounds to -0, which is 0
        run();
    }

    @Test
    void bitFieldsAndCounts() {
        setup("mov.u32 %r11, 0xf0f0f0f1;\nmov.u32 %r12, 0xf0f0f0f0;\nmov.u32 %r13, 0xf0;\n"
                + "mov.u32 %r14, 0x10000;\nmov.u32 %r15, 0x33221100;\nmov.u32 %r16, 0x77665544;\nmov.u32 %r17, 0xffff;\n");
        check32(0x0f, "bfe.u32 %r10, %r12, 4, 8;"); // 0xf0f0f0f0 bits 4..11
        check32(-1, "bfe.s32 %r10, %r13, 4, 4;"); // field 0xf of 0xf0, its top bit set
        check32(-8, "bfe.s32 %r10, %r3, 28, 8;"); // only 4 bits exist (0x8); the sign is bit 31
        check32(0, "bfe.s32 %r10, %r3, 28, 0;"); // no field: 0
        check32(0xffffabffL, "bfi.b32 %r10, 0xab, %r7, 8, 8;");
        check32(16, "bfind.u32 %r10, %r14;"); // 0x10000
        check32(0xffffffffL, "bfind.s32 %r10, %r7;"); // -1 has no bit that differs from its sign
        check32(15, "bfind.shiftamt.u32 %r10, %r14;");
        check32(30, "bfind.s32 %r10, %r3;"); // 0x80000000: the highest bit unlike the sign is bit 30
        check32(17, "popc.b32 %r10, %r11;"); // 0xf0f0f0f1
        check32(15, "clz.b32 %r10, %r14;");
        check32(Integer.MIN_VALUE, "brev.b32 %r10, %r1;");
        check32(64, "popc.b64 %r10, %rd3;");
        check32(63, "clz.b64 %r10, %rd1;");
        check32(63, "bfind.u64 %r10, %rd4;");
        check32(0x55114400, "prmt.b32 %r10, %r15, %r16, 0x5140;"); // bytes a0, b0, a1, b1 from low to high
        // Selector bit 3 spreads the picked byte's sign: byte 0 of 0xf0 is negative, so bytes 2 and 3 are 0xff.
        check32(0xfffff0f0L, "prmt.b32 %r10, %r13, %r8, 0x8800;");
        check32(1, "cnot.b32 %r10, %r8;");
        check32(-1, "not.b32 %r10, %r8;");
        check32(0xf0, "lop3.b32 %r10, %r12, %r17, %r13, 0x80;"); // table 0x80 = a & b & c
        check32(0xf0f00fffL, "lop3.b32 %r10, %r12, %r17, %r13, 0x96;"); // 0x96 = a ^ b ^ c
        run();
    }

    @Test
    void integerDivisionByZeroFaults() {
        check32(0, "div.u32 %r10, %r1, %r8;");
        PtxExecutionException e = assertThrows(PtxExecutionException.class, this::run);
        assertTrue(e.getMessage().contains("integer division by zero"), e.getMessage());
        assertEquals("div.u32 %r10, %r1, %r8;", e.instruction());
    }
}
