package dev.jresnet.gpu.sim.ptx;

import org.junit.jupiter.api.Test;

/**
 * Floating-point semantics in hand-written kernels: ordered and unordered compares, min/max NaN and signed-zero rules,
 * the rounding directions, and f16/bf16 arithmetic rounded once. Each expected bit pattern is worked out in the
 * comment next to it. Every kernel here names the target and ISA that ptxas needs to assemble it.
 */
class PtxFloatTest {
    /** f32 inputs: 1, 2, NaN, -0, +0, -1, 2^-24, the smallest subnormal. */
    private static final String F32_INPUTS = """
            mov.f32 %f1, 0f3F800000;
            mov.f32 %f2, 0f40000000;
            mov.f32 %f3, 0f7FC00000;
            mov.f32 %f4, 0f80000000;
            mov.f32 %f5, 0f00000000;
            mov.f32 %f6, 0fBF800000;
            mov.f32 %f7, 0f33800000;""";

    private static String setp(String comparison, String a, String b) {
        return "setp." + comparison + ".f32 %p1, " + a + ", " + b + ";\nselp.u32 %r10, 1, 0, %p1;";
    }

    @Test
    void comparisonsAreOrderedOrUnordered() {
        CheckKernel k = new CheckKernel("6.3", "sm_75").setup(F32_INPUTS);
        k.check32(0, setp("lt", "%f3", "%f1")); // NaN < 1: ordered comparisons are false with a NaN
        k.check32(0, setp("ne", "%f3", "%f1"));
        k.check32(0, setp("ge", "%f3", "%f3"));
        k.check32(1, setp("ltu", "%f3", "%f1")); // unordered ones are true with a NaN
        k.check32(1, setp("neu", "%f3", "%f1"));
        k.check32(1, setp("equ", "%f1", "%f3"));
        k.check32(0, setp("geu", "%f1", "%f2")); // no NaN: as the ordered comparison
        k.check32(1, setp("num", "%f1", "%f2"));
        k.check32(0, setp("num", "%f1", "%f3"));
        k.check32(1, setp("nan", "%f1", "%f3"));
        k.check32(1, setp("eq", "%f4", "%f5")); // -0 == +0
        k.check32(0, setp("lt", "%f4", "%f5"));
        k.check32(0x3f800000, "set.lt.f32.f32 %r10, %f1, %f2;"); // set writes 1.0 for true
        k.check32(1, "mov.f32 %f0, 0f00000001;\ntestp.subnormal.f32 %p1, %f0;\nselp.u32 %r10, 1, 0, %p1;");
        k.check32(0, "testp.subnormal.f32 %p1, %f7;\nselp.u32 %r10, 1, 0, %p1;"); // 2^-24 is a normal float
        k.check32(1, "testp.notanumber.f32 %p1, %f3;\nselp.u32 %r10, 1, 0, %p1;");
        k.run();
    }

    @Test
    void minAndMaxPreferNumbersAndOrderSignedZeros() {
        CheckKernel k = new CheckKernel("7.0", "sm_80").setup(F32_INPUTS);
        k.check32(0x3f800000, "min.f32 %f0, %f3, %f1;\nmov.b32 %r10, %f0;"); // min(NaN, 1) = 1
        k.check32(0x3f800000, "max.f32 %f0, %f1, %f3;\nmov.b32 %r10, %f0;");
        k.check32(0x7fffffff, "min.f32 %f0, %f3, %f3;\nmov.b32 %r10, %f0;"); // both NaN: the canonical NaN
        k.check32(0x7fffffff, "min.NaN.f32 %f0, %f1, %f3;\nmov.b32 %r10, %f0;"); // .NaN: any NaN wins
        k.check32(0x80000000L, "min.f32 %f0, %f5, %f4;\nmov.b32 %r10, %f0;"); // min(+0, -0) = -0
        k.check32(0x00000000, "max.f32 %f0, %f4, %f5;\nmov.b32 %r10, %f0;"); // max(-0, +0) = +0
        k.check32(0x00000000, "abs.f32 %f0, %f4;\nmov.b32 %r10, %f0;");
        k.check32(0x80000000L, "neg.f32 %f0, %f5;\nmov.b32 %r10, %f0;");
        k.check32(0xc0000000L, "copysign.f32 %f0, %f6, %f2;\nmov.b32 %r10, %f0;"); // 2 with -1's sign
        k.run();
    }

    @Test
    void arithmeticRoundsInTheDirectionAsked() {
        CheckKernel k = new CheckKernel("6.3", "sm_75").setup(F32_INPUTS + """
                mov.f32 %f0, 0f3F800001;
                mov.f32 %f3, 0f3F7FFFFF;
                mov.f32 %f4, 0f40400000;""");
        // 1 + 2^-24 lies halfway between 1 and 1 + 2^-23.
        k.check32(0x3f800000, "add.f32 %f10, %f1, %f7;\nmov.b32 %r10, %f10;"); // nearest: ties to even
        k.check32(0x3f800001, "add.rp.f32 %f10, %f1, %f7;\nmov.b32 %r10, %f10;");
        k.check32(0x3f800000, "add.rz.f32 %f10, %f1, %f7;\nmov.b32 %r10, %f10;");
        k.check32(0xbf800001L, "sub.rm.f32 %f10, %f6, %f7;\nmov.b32 %r10, %f10;"); // -1 - 2^-24 down
        k.check32(0x80000000L, "sub.rm.f32 %f10, %f1, %f1;\nmov.b32 %r10, %f10;"); // x - x is -0 rounding down
        k.check32(0x00000000, "sub.f32 %f10, %f1, %f1;\nmov.b32 %r10, %f10;"); // and +0 otherwise
        // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46.
        k.check32(0x3f800002, "mul.rz.f32 %f10, %f0, %f0;\nmov.b32 %r10, %f10;");
        k.check32(0x3f800003, "mul.rp.f32 %f10, %f0, %f0;\nmov.b32 %r10, %f10;");
        // (1 + 2^-23)(1 - 2^-24) - 1 = 2^-24 - 2^-47, a float (0x337ffffe): fma keeps it. The product alone,
        // 1 + 2^-24 - 2^-47, rounds to 1, so multiplying and then adding gives 0.
        k.check32(0x337ffffe, "fma.rn.f32 %f10, %f0, %f3, %f6;\nmov.b32 %r10, %f10;");
        k.check32(0x00000000, "mul.rn.f32 %f10, %f0, %f3;\nadd.rn.f32 %f10, %f10, %f6;\nmov.b32 %r10, %f10;");
        // 1/3 = 0x3eaaaaaa.aaa...: nearest rounds up, toward zero rounds down.
        k.check32(0x3eaaaaab, "div.rn.f32 %f10, %f1, %f4;\nmov.b32 %r10, %f10;");
        k.check32(0x3eaaaaaa, "div.rz.f32 %f10, %f1, %f4;\nmov.b32 %r10, %f10;");
        k.check32(0x3eaaaaab, "rcp.rp.f32 %f10, %f4;\nmov.b32 %r10, %f10;");
        // sqrt(2) = 0x3fb504f3.3...: nearest and down give ...f3, up gives ...f4.
        k.check32(0x3fb504f3, "sqrt.rn.f32 %f10, %f2;\nmov.b32 %r10, %f10;");
        k.check32(0x3fb504f4, "sqrt.rp.f32 %f10, %f2;\nmov.b32 %r10, %f10;");
        k.check32(0x3f800000, "add.sat.f32 %f10, %f1, %f2;\nmov.b32 %r10, %f10;"); // 3 clamps to 1
        k.check32(0x00000000, "add.sat.f32 %f10, %f6, %f6;\nmov.b32 %r10, %f10;"); // -2 clamps to +0
        // .ftz reads the subnormal 2^-149 as zero: 0 * 2^100 = 0 instead of 2^-49.
        k.check32(0x00000000, "mov.f32 %f10, 0f00000001;\nmov.f32 %f11, 0f71800000;\nmul.ftz.f32 %f10, %f10, %f11;\n"
                + "mov.b32 %r10, %f10;");
        k.check32(0x27000000, "mov.f32 %f10, 0f00000001;\nmov.f32 %f11, 0f71800000;\nmul.f32 %f10, %f10, %f11;\n"
                + "mov.b32 %r10, %f10;");
        k.check32(0x7fffffff, "mov.f32 %f10, 0f7F800000;\nsub.f32 %f10, %f10, %f10;\nmov.b32 %r10, %f10;"); // inf - inf
        k.run();
    }

    @Test
    void conversionsRoundToHalfAndBack() {
        CheckKernel k = new CheckKernel("6.3", "sm_75");
        // 1 + 2^-11 is halfway between the halves 1 and 1 + 2^-10: to even. 1 + 3 * 2^-11 goes up to the even one.
        k.check32(0x3c00, "mov.f32 %f1, 0f3F801000;\ncvt.rn.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0x3c02, "mov.f32 %f1, 0f3F803000;\ncvt.rn.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        // 65520 is halfway between 65504 (the largest half) and 65536: nearest overflows, toward zero does not.
        k.check32(0x7c00, "mov.f32 %f1, 0f477FF000;\ncvt.rn.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0x7bff, "cvt.rz.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0xfc00, "neg.f32 %f2, %f1;\ncvt.rm.f16.f32 %rs1, %f2;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0xfbff, "cvt.rp.f16.f32 %rs1, %f2;\ncvt.u32.u16 %r10, %rs1;");
        // 2^-25 is halfway between 0 and the smallest subnormal half 2^-24; 1.5 * 2^-25 is past it.
        k.check32(0x0000, "mov.f32 %f1, 0f33000000;\ncvt.rn.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0x0001, "mov.f32 %f1, 0f33400000;\ncvt.rn.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0x0001, "mov.f32 %f1, 0f2EDBE6FF;\ncvt.rp.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;"); // 1e-10 up
        k.check32(0x7fff, "mov.f32 %f1, 0f7FC00000;\ncvt.rn.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;"); // NaN
        k.check32(0x33800000, "mov.u16 %rs1, 1;\ncvt.f32.f16 %f1, %rs1;\nmov.b32 %r10, %f1;"); // 2^-24, exactly
        // 2^24 + 1 is halfway between two floats.
        k.check32(0x4b800000, "mov.u32 %r1, 16777217;\ncvt.rn.f32.s32 %f1, %r1;\nmov.b32 %r10, %f1;");
        k.check32(0x4b800001, "cvt.rp.f32.s32 %f1, %r1;\nmov.b32 %r10, %f1;");
        k.check32(0x5f800000, "mov.u64 %rd1, -1;\ncvt.rn.f32.u64 %f1, %rd1;\nmov.b32 %r10, %f1;"); // 2^64 - 1 to 2^64
        k.check32(0x5f7fffff, "cvt.rz.f32.u64 %f1, %rd1;\nmov.b32 %r10, %f1;");
        k.check32(0x7c00, "mov.u32 %r1, 65520;\ncvt.rn.f16.s32 %rs1, %r1;\ncvt.u32.u16 %r10, %rs1;");
        // 1 + 2^-24 + 2^-52 is just past halfway: a double rounded to float goes up, with no second rounding.
        k.check32(0x3f800001, "mov.f64 %fd1, 0d3FF0000010000001;\ncvt.rn.f32.f64 %f1, %fd1;\nmov.b32 %r10, %f1;");
        k.check64(0x4340000000000000L, "mov.u64 %rd1, 9007199254740993;\ncvt.rn.f64.s64 %fd1, %rd1;\n"
                + "mov.b64 %rd10, %fd1;"); // 2^53 + 1 to 2^53 (ties to even)
        k.check32(0x40000000, "mov.f32 %f1, 0f40200000;\ncvt.rni.f32.f32 %f1, %f1;\nmov.b32 %r10, %f1;"); // 2.5 -> 2
        k.check32(0xbf800000L, "mov.f32 %f1, 0fBF000000;\ncvt.rmi.f32.f32 %f2, %f1;\nmov.b32 %r10, %f2;"); // -0.5 -> -1
        k.check32(0x80000000L, "cvt.rpi.f32.f32 %f2, %f1;\nmov.b32 %r10, %f2;"); // -0.5 -> -0
        k.check32(0x3f800000, "mov.f32 %f1, 0f3FC00000;\ncvt.sat.f32.f32 %f1, %f1;\nmov.b32 %r10, %f1;"); // 1.5 -> 1
        k.run();
    }

    @Test
    void packedAndBfloatConversions() {
        CheckKernel k = new CheckKernel("7.0", "sm_80");
        k.check32(0x3c004000, "mov.f32 %f1, 0f3F800000;\nmov.f32 %f2, 0f40000000;\ncvt.rn.f16x2.f32 %r10, %f1, %f2;");
        k.check32(0x0000, "mov.f32 %f1, 0fBF800000;\ncvt.rn.relu.f16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        // bfloat16 keeps 8 significant bits: 1 + 2^-8 is halfway between 1 and 1 + 2^-7.
        k.check32(0x3f80, "mov.f32 %f1, 0f3F808000;\ncvt.rn.bf16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0x3f82, "mov.f32 %f1, 0f3F818000;\ncvt.rn.bf16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.check32(0x7fff, "mov.f32 %f1, 0f7FC00000;\ncvt.rn.bf16.f32 %rs1, %f1;\ncvt.u32.u16 %r10, %rs1;");
        k.run();
    }

    @Test
    void halfArithmeticRoundsOnce() {
        CheckKernel k = new CheckKernel("6.5", "sm_75").setup("""
                mov.b16 %rs1, 0x3C00;
                mov.b16 %rs2, 0x1000;
                mov.b16 %rs3, 0x3C01;
                mov.b16 %rs4, 0x7E00;""");
        k.check32(0x3c00, "add.f16 %rs0, %rs1, %rs2;\ncvt.u32.u16 %r10, %rs0;"); // 1 + 2^-11: halfway, to even
        k.check32(0x3c02, "add.f16 %rs0, %rs3, %rs2;\ncvt.u32.u16 %r10, %rs0;"); // (1 + 2^-10) + 2^-11: up to even
        k.check32(0x7c00, "mov.b16 %rs5, 0x7BFF;\nmov.b16 %rs6, 0x4C00;\nadd.f16 %rs0, %rs5, %rs6;\n"
                + "cvt.u32.u16 %r10, %rs0;"); // 65504 + 16: halfway to 65536, to even: infinity
        k.check32(0x3c02, "mul.f16 %rs0, %rs3, %rs3;\ncvt.u32.u16 %r10, %rs0;"); // (1 + 2^-10)^2 = 1 + 2^-9 + 2^-20
        // (1 + 2^-5)(1 + 2^-6) = 1 + 2^-5 + 2^-6 + 2^-11: halfway. Adding 2^-24 tips it up, but only if the product
        // was not rounded first.
        k.check32(0x3c30, "mov.b16 %rs5, 0x3C20;\nmov.b16 %rs6, 0x3C10;\nmov.b16 %rs7, 0;\n"
                + "fma.rn.f16 %rs0, %rs5, %rs6, %rs7;\ncvt.u32.u16 %r10, %rs0;");
        k.check32(0x3c31, "mov.b16 %rs7, 1;\nfma.rn.f16 %rs0, %rs5, %rs6, %rs7;\ncvt.u32.u16 %r10, %rs0;");
        k.check32(0x7fff, "add.f16 %rs0, %rs4, %rs1;\ncvt.u32.u16 %r10, %rs0;"); // NaN + 1: the canonical NaN
        k.check32(0xbc00, "neg.f16 %rs0, %rs1;\ncvt.u32.u16 %r10, %rs0;");
        k.check32(0x3c00, "neg.f16 %rs0, %rs1;\nabs.f16 %rs0, %rs0;\ncvt.u32.u16 %r10, %rs0;");
        k.check32(0x3c00, "sub.f16 %rs0, %rs3, %rs2;\ncvt.u32.u16 %r10, %rs0;"); // (1 + 2^-10) - 2^-11: halfway, to even
        // Packed: lanes (low, high) = (1, 2) + (1, -2) = (2, +0).
        k.check32(0x00004000, "mov.b32 %r1, 0x40003C00;\nmov.b32 %r2, 0xC0003C00;\nadd.f16x2 %r10, %r1, %r2;");
        k.check32(0, "setp.lt.f16 %p1, %rs4, %rs1;\nselp.u32 %r10, 1, 0, %p1;"); // NaN < 1
        k.check32(1, "setp.ltu.f16 %p1, %rs4, %rs1;\nselp.u32 %r10, 1, 0, %p1;");
        // setp on pairs: p from the low lanes (1 < 2), q from the high ones (3 < 2).
        k.check32(1, "mov.b32 %r1, 0x42003C00;\nmov.b32 %r2, 0x40004000;\nsetp.lt.f16x2 %p1|%p2, %r1, %r2;\n"
                + "selp.u32 %r10, 1, 0, %p1;\nselp.u32 %r11, 2, 0, %p2;\nadd.u32 %r10, %r10, %r11;");
        k.check32(0x3c00, "set.nan.f16.f16 %rs0, %rs4, %rs4;\ncvt.u32.u16 %r10, %rs0;"); // true is 1.0 in f16
        // Unpacking gives the low half first; packing puts the first element low.
        k.check32(0x3c00c000, "mov.b32 %r1, 0xC0003C00;\nmov.b32 {%rs5, %rs6}, %r1;\nmov.b32 %r10, {%rs6, %rs5};");
        k.run();
    }

    @Test
    void halfMinMaxAndRelu() {
        CheckKernel k = new CheckKernel("7.0", "sm_80").setup("""
                mov.b16 %rs1, 0x3C00;
                mov.b16 %rs2, 0xC000;
                mov.b16 %rs3, 0x8000;
                mov.b16 %rs4, 0x7E00;
                mov.b16 %rs5, 0x0000;
                mov.b16 %rs6, 0x7FC0;
                mov.b16 %rs7, 0x3F80;""");
        k.check32(0x3c00, "max.f16 %rs0, %rs4, %rs1;\ncvt.u32.u16 %r10, %rs0;"); // max(NaN, 1) = 1
        k.check32(0x7fff, "max.NaN.f16 %rs0, %rs4, %rs1;\ncvt.u32.u16 %r10, %rs0;");
        k.check32(0x8000, "min.f16 %rs0, %rs5, %rs3;\ncvt.u32.u16 %r10, %rs0;"); // min(+0, -0) = -0
        k.check32(0x0000, "fma.rn.relu.f16 %rs0, %rs1, %rs2, %rs5;\ncvt.u32.u16 %r10, %rs0;"); // 1 * -2 + 0 -> 0
        k.check32(0x3f80, "max.bf16 %rs0, %rs6, %rs7;\ncvt.u32.u16 %r10, %rs0;"); // bf16 max(NaN, 1) = 1
        k.run();
    }

    @Test
    void bfloatArithmeticRoundsOnce() {
        CheckKernel k = new CheckKernel("7.8", "sm_90").setup("""
                mov.b16 %rs1, 0x3F80;
                mov.b16 %rs2, 0x3B80;
                mov.b16 %rs3, 0x3F81;
                mov.b16 %rs4, 0x3F88;""");
        k.check32(0x3f80, "add.rn.bf16 %rs0, %rs1, %rs2;\ncvt.u32.u16 %r10, %rs0;"); // 1 + 2^-8: halfway, to even
        k.check32(0x3f82, "add.rn.bf16 %rs0, %rs3, %rs2;\ncvt.u32.u16 %r10, %rs0;"); // (1 + 2^-7) + 2^-8: up to even
        // (1 + 2^-4)^2 = 1 + 2^-3 + 2^-8 is halfway between 1 + 2^-3 and 1 + 2^-3 + 2^-7. Adding +-2^-100 decides it,
        // though 1 + 2^-3 + 2^-8 + 2^-100 has no double either: the sum is rounded to odd before rounding to bf16.
        k.check32(0x3f91, "mov.b16 %rs5, 0x0D80;\nfma.rn.bf16 %rs0, %rs4, %rs4, %rs5;\ncvt.u32.u16 %r10, %rs0;");
        k.check32(0x3f90, "mov.b16 %rs5, 0x8D80;\nfma.rn.bf16 %rs0, %rs4, %rs4, %rs5;\ncvt.u32.u16 %r10, %rs0;");
        k.check32(0x3f90, "mul.rn.bf16 %rs0, %rs4, %rs4;\ncvt.u32.u16 %r10, %rs0;"); // the product alone: to even
        k.check32(0x3f810000, "cvt.f32.bf16 %f1, %rs3;\nmov.b32 %r10, %f1;"); // widening is exact
        k.check32(0x40004000, "mov.b32 %r1, {%rs1, %rs1};\nadd.rn.bf16x2 %r10, %r1, %r1;"); // (1, 1) + (1, 1)
        k.run();
    }
}
