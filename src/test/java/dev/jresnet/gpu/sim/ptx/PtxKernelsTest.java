package dev.jresnet.gpu.sim.ptx;

import dev.jresnet.tensor.BFloat16;
import dev.jresnet.tensor.Float16;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each shipped kernel, run by the interpreter from the PTX in the jar, against a plain Java loop of the one-line math
 * its .cu file states. Every kernel runs under several launch shapes: one block (the grid-stride loop goes round many
 * times), a few blocks, a block size that is no power of two, and far more threads than work.
 */
class PtxKernelsTest {
    record Shape(int grid, int block, int parallelism) {
    }

    static Stream<Shape> shapes() {
        return Stream.of(new Shape(1, 256, 1), new Shape(3, 256, 1), new Shape(5, 96, 2), new Shape(300, 256, 4));
    }

    private static void launch(PtxKernel kernel, Shape shape, Params params, ByteArrayMemory memory) {
        kernel.launch(shape.grid(), 1, 1, shape.block(), 1, 1, params.list(), memory, shape.parallelism());
    }

    /** Launches a kernel whose parameters are a float32 input's and output's addresses, then {@code rest}; the output. */
    private static float[] runOnFloats(PtxKernel kernel, Shape shape, float[] in, int outCount, Params rest) {
        ByteArrayMemory memory = new ByteArrayMemory(4 * (in.length + outCount) + 1024);
        long inAddress = memory.allocate(4 * in.length);
        long outAddress = memory.allocate(4 * outCount);
        memory.putFloats(inAddress, in);
        launch(kernel, shape, new Params().u64(inAddress).u64(outAddress).append(rest), memory);
        return memory.getFloats(outAddress, outCount);
    }

    /** Values of every sign and size, with zeros, infinities and NaN among them. */
    private static float[] floats(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * 10;
        }
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, -3f};
        for (int i = 0; i < Math.min(n, specials.length); i++) {
            v[(int) ((seed + 7L * i) % n)] = specials[i];
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void residualAddF32(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("residual_add", "residual_add_f32");
        // Offsets of a, b and out from 256-byte aligned buffers: all aligned takes the float4 path; any offset by 4 or 8
        // bytes takes the scalar loop.
        for (int[] offsets : new int[][]{{0, 0, 0}, {4, 4, 4}, {0, 0, 8}}) {
            for (int n : new int[]{3, 1003}) {
                for (boolean relu : new boolean[]{false, true}) {
                    ByteArrayMemory memory = new ByteArrayMemory(3 * 4 * n + 1024);
                    long a = memory.allocate(4 * n + 16) + offsets[0];
                    long b = memory.allocate(4 * n + 16) + offsets[1];
                    long out = memory.allocate(4 * n + 16) + offsets[2];
                    float[] x = floats(n, 1);
                    float[] y = floats(n, 2);
                    memory.putFloats(a, x);
                    memory.putFloats(b, y);
                    launch(kernel, shape, new Params().u64(a).u64(b).u64(out).u64(n).s32(relu ? 1 : 0), memory);
                    float[] expected = new float[n];
                    for (int i = 0; i < n; i++) {
                        float r = x[i] + y[i];
                        expected[i] = relu && r < 0f ? 0f : r;
                    }
                    assertArrayEquals(expected, memory.getFloats(out, n), "n=" + n + " relu=" + relu);
                    boolean vectorized = offsets[0] + offsets[1] + offsets[2] == 0 && n >= 4;
                    assertEquals(vectorized, memory.loads(8) > 0, "float4 path taken exactly when all are aligned");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void reluF32KeepsNaNAndWorksInPlace(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("relu", "relu_f32");
        for (int offset : new int[]{0, 4}) {
            int n = 1001;
            ByteArrayMemory memory = new ByteArrayMemory(2 * 4 * n + 1024);
            long x = memory.allocate(4 * n + 16) + offset;
            long out = memory.allocate(4 * n + 16) + offset;
            float[] v = floats(n, 3);
            memory.putFloats(x, v);
            launch(kernel, shape, new Params().u64(x).u64(out).u64(n), memory);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = v[i] < 0f ? 0f : v[i];
            }
            assertBitsEqual(expected, memory.getFloats(out, n));
            // out == x: the kernel reads each element before writing it.
            launch(kernel, shape, new Params().u64(x).u64(x).u64(n), memory);
            assertBitsEqual(expected, memory.getFloats(x, n));
        }
    }

    /** The relu kernels only select, so even a NaN's payload comes through unchanged. */
    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }

    /**
     * Half values whose sums are exact in float (magnitudes 2^-2 to 2^10, so at most 23 significant bits), so that
     * rounding the float sum to half is the single correct rounding; then cases that round, overflow or carry NaN.
     */
    private static short[][] halfPairs(int n) {
        short[][] pairs = {
                {0x7bff, 0x4c00}, // 65504 + 16 is halfway to 65536: ties to even, which is infinity
                {0x3c00, 0x1000}, // 1 + 2^-11 is halfway between 1 and its successor: stays 1
                {0x3c01, 0x1000}, // ... and from an odd neighbour rounds up
                {0x7e00, 0x3c00}, // NaN + 1
                {0x7c00, (short) 0xfc00}, // inf - inf
                {(short) 0x8000, (short) 0x8000}, // -0 + -0 = -0
                {0x0001, 0x0001}, // subnormals
                {(short) 0xc000, 0x3c00}, // -2 + 1
        };
        Random random = new Random(4);
        short[][] halves = new short[2][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                if (i < pairs.length) {
                    halves[k][i] = pairs[i][k];
                } else {
                    int exponent = 13 + random.nextInt(12); // biased: 2^-2 .. 2^9
                    halves[k][i] = (short) ((random.nextBoolean() ? 0x8000 : 0) | exponent << 10 | random.nextInt(1024));
                }
            }
        }
        return halves;
    }

    /** A 16-bit type the kernels store: its kernel-name suffix, and its conversions as the GPU rounds them. */
    enum Storage16 {
        F16("f16"), BF16("bf16");

        final String suffix;

        Storage16(String suffix) {
            this.suffix = suffix;
        }

        short encode(float v) {
            return this == F16 ? Float16.fromFloat(v) : BFloat16.fromFloat(v);
        }

        float decode(short bits) {
            return this == F16 ? Float16.toFloat(bits) : BFloat16.toFloat(bits);
        }

        /** The values as this type stores them, widened back. */
        float[] rounded(float[] v) {
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = decode(encode(v[i]));
            }
            return r;
        }

        short[] encode(float[] v) {
            short[] r = new short[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = encode(v[i]);
            }
            return r;
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void residualAdd16BitIsTheFloatSumRoundedOnce(Shape shape) {
        for (Storage16 type : Storage16.values()) {
            PtxKernel kernel = ShippedPtx.kernel("residual_add", "residual_add_" + type.suffix);
            // Offsets by 2 bytes break the 16-byte alignment the 8-wide loads need; 16 keeps it.
            for (int[] offsets : new int[][]{{0, 0, 0}, {16, 16, 16}, {2, 2, 2}, {0, 2, 0}}) {
                for (boolean relu : new boolean[]{false, true}) {
                    int n = 777;
                    ByteArrayMemory memory = new ByteArrayMemory(3 * 2 * n + 1024);
                    long a = memory.allocate(2 * n + 32) + offsets[0];
                    long b = memory.allocate(2 * n + 32) + offsets[1];
                    long out = memory.allocate(2 * n + 32) + offsets[2];
                    short[][] values = halfPairs(n);
                    memory.putShorts(a, values[0]);
                    memory.putShorts(b, values[1]);
                    launch(kernel, shape, new Params().u64(a).u64(b).u64(out).u64(n).s32(relu ? 1 : 0), memory);
                    short[] actual = memory.getShorts(out, n);
                    for (int i = 0; i < n; i++) {
                        float sum = type.decode(values[0][i]) + type.decode(values[1][i]);
                        short r = type.encode(relu && sum < 0f ? 0f : sum);
                        assertSame16(type, r, actual[i], type + " element " + i + " relu=" + relu);
                    }
                    boolean aligned = (offsets[0] | offsets[1] | offsets[2]) % 16 == 0;
                    assertEquals(aligned, memory.loads(8) > 0, type + ": 16-byte loads exactly when all are aligned");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void reluF16(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("relu", "relu_f16");
        for (int offset : new int[]{0, 2}) {
            int n = 555;
            ByteArrayMemory memory = new ByteArrayMemory(2 * 2 * n + 1024);
            long x = memory.allocate(2 * n + 8) + offset;
            long out = memory.allocate(2 * n + 8) + offset;
            short[] v = halfPairs(n)[0];
            memory.putShorts(x, v);
            launch(kernel, shape, new Params().u64(x).u64(out).u64(n), memory);
            short[] actual = memory.getShorts(out, n);
            for (int i = 0; i < n; i++) {
                short expected = Float16.toFloat(v[i]) < 0f ? 0 : v[i];
                assertEquals(expected, actual[i], "element " + i);
            }
        }
    }

    /** Equal 16-bit patterns, or NaN on both sides (the GPU's and Java's NaN payloads differ). */
    private static void assertSame16(Storage16 type, short expected, short actual, String what) {
        boolean expectedNaN = Float.isNaN(type.decode(expected));
        if (expectedNaN || Float.isNaN(type.decode(actual))) {
            assertTrue(expectedNaN && Float.isNaN(type.decode(actual)), what + ": NaN expected on both sides");
        } else {
            assertEquals(expected, actual, what);
        }
    }

    /** pad2d's source index for each mode, as cuda-kernels/pad2d.cu states it. */
    private static int padSource(int i, int size, int mode) {
        if (i >= 0 && i < size) {
            return i;
        }
        return switch (mode) {
            case 1 -> i < 0 ? -i : 2 * (size - 1) - i;
            case 2 -> i < 0 ? 0 : size - 1;
            case 3 -> ((i % size) + size) % size;
            default -> -1;
        };
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void pad2dAllModes(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("pad2d", "pad2d_f32");
        int planes = 3;
        int inH = 5;
        int inW = 4;
        int top = 2;
        int left = 3;
        int outH = inH + top + 1;
        int outW = inW + left + 2;
        float[] in = floats(planes * inH * inW, 5);
        for (int mode = 0; mode < 4; mode++) {
            float[] actual = runOnFloats(kernel, shape, in, planes * outH * outW, new Params().u64(planes).s32(inH).s32(inW).s32(outH)
                    .s32(outW).s32(top).s32(left).s32(mode));
            float[] expected = new float[planes * outH * outW];
            int i = 0;
            for (int p = 0; p < planes; p++) {
                for (int h = 0; h < outH; h++) {
                    for (int w = 0; w < outW; w++, i++) {
                        int sh = padSource(h - top, inH, mode);
                        int sw = padSource(w - left, inW, mode);
                        expected[i] = sh < 0 || sw < 0 ? 0f : in[(p * inH + sh) * inW + sw];
                    }
                }
            }
            assertArrayEquals(expected, actual, "mode " + mode);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void maxPool2dWithPaddingAndDilation(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("pool2d", "max_pool2d_f32");
        int planes = 4;
        int inH = 9;
        int inW = 8;
        int[][] settings = {{3, 2, 1, 1}, {3, 2, 1, 2}, {2, 1, 0, 1}}; // k, s, pad, d
        float[] in = floats(planes * inH * inW, 6);
        for (int[] setting : settings) {
            int k = setting[0];
            int s = setting[1];
            int pad = setting[2];
            int d = setting[3];
            // PyTorch's floor rule, which the host applies.
            int outH = (inH + 2 * pad - d * (k - 1) - 1) / s + 1;
            int outW = (inW + 2 * pad - d * (k - 1) - 1) / s + 1;
            float[] actual = runOnFloats(kernel, shape, in, planes * outH * outW, new Params().u64(planes).s32(inH).s32(inW).s32(outH)
                    .s32(outW).s32(k).s32(s).s32(pad).s32(d));
            float[] expected = new float[planes * outH * outW];
            int i = 0;
            for (int p = 0; p < planes; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++, i++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int kh = 0; kh < k; kh++) {
                            for (int kw = 0; kw < k; kw++) {
                                int ih = oh * s - pad + kh * d;
                                int iw = ow * s - pad + kw * d;
                                if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
                                    float v = in[(p * inH + ih) * inW + iw];
                                    if (v > m || v != v) {
                                        m = v;
                                    }
                                }
                            }
                        }
                        expected[i] = m;
                    }
                }
            }
            assertArrayEquals(expected, actual,
                    "k=" + k + " s=" + s + " pad=" + pad + " d=" + d);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void avgPool2dWithAndWithoutPaddingInTheCount(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("pool2d", "avg_pool2d_f32");
        int planes = 3;
        int inH = 7;
        int inW = 6;
        float[] in = floats(planes * inH * inW, 7);
        for (int i = 0; i < in.length; i++) {
            // Finite values: a sum with infinities would only test NaN arithmetic.
            in[i] = Float.isFinite(in[i]) ? in[i] : i;
        }
        for (int[] setting : new int[][]{{3, 2, 1}, {2, 2, 0}, {3, 1, 1}}) {
            for (int countPad = 0; countPad < 2; countPad++) {
                int k = setting[0];
                int s = setting[1];
                int pad = setting[2];
                int outH = (inH + 2 * pad - k) / s + 1;
                int outW = (inW + 2 * pad - k) / s + 1;
                float[] actual = runOnFloats(kernel, shape, in, planes * outH * outW, new Params().u64(planes).s32(inH).s32(inW)
                        .s32(outH).s32(outW).s32(k).s32(s).s32(pad).s32(countPad));
                float[] expected = new float[planes * outH * outW];
                int i = 0;
                for (int p = 0; p < planes; p++) {
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++, i++) {
                            int h0 = oh * s - pad;
                            int w0 = ow * s - pad;
                            int h1 = Math.min(h0 + k, inH + pad);
                            int w1 = Math.min(w0 + k, inW + pad);
                            int padded = (h1 - h0) * (w1 - w0);
                            h0 = Math.max(h0, 0);
                            w0 = Math.max(w0, 0);
                            h1 = Math.min(h1, inH);
                            w1 = Math.min(w1, inW);
                            float sum = 0f;
                            for (int h = h0; h < h1; h++) {
                                for (int w = w0; w < w1; w++) {
                                    sum += in[(p * inH + h) * inW + w];
                                }
                            }
                            expected[i] = sum / (float) (countPad != 0 ? padded : (h1 - h0) * (w1 - w0));
                        }
                    }
                }
                assertArrayEquals(expected, actual,
                        "k=" + k + " s=" + s + " pad=" + pad + " count_include_pad=" + countPad);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void channelPadOptionAShortcut(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("channel_pad", "channel_pad_f32");
        int batch = 2;
        int inC = 3;
        int inH = 6;
        int inW = 5;
        int s = 2;
        int outC = 8;
        int before = (outC - inC) / 2;
        int outH = (inH + 1) / 2;
        int outW = (inW + 1) / 2;
        float[] in = floats(batch * inC * inH * inW, 8);
        float[] actual = runOnFloats(kernel, shape, in, batch * outC * outH * outW, new Params().s32(batch).s32(inC).s32(inH).s32(inW)
                .s32(outC).s32(outH).s32(outW).s32(s).s32(before));
        float[] expected = new float[batch * outC * outH * outW];
        int i = 0;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < outC; c++) {
                for (int h = 0; h < outH; h++) {
                    for (int w = 0; w < outW; w++, i++) {
                        int source = c - before;
                        expected[i] = source < 0 || source >= inC ? 0f
                                : in[((n * inC + source) * inH + h * s) * inW + w * s];
                    }
                }
            }
        }
        assertArrayEquals(expected, actual);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void normalizeIsTorchvisionsToTheBit(Shape shape) {
        PtxKernel kernel = ShippedPtx.kernel("normalize_u8", "normalize_u8_hwc_to_nchw_f32");
        int images = 2;
        int height = 5;
        int width = 7;
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        byte[] in = new byte[images * height * width * 3];
        new Random(9).nextBytes(in);
        in[0] = 0;
        in[1] = (byte) 255;
        ByteArrayMemory memory = new ByteArrayMemory(in.length + 4 * in.length + 1024);
        long inAddress = memory.allocate(in.length);
        long outAddress = memory.allocate(4 * in.length);
        memory.putBytes(inAddress, in);
        launch(kernel, shape, new Params().u64(inAddress).u64(outAddress).u64(images).s32(height).s32(width)
                .f32(mean[0]).f32(mean[1]).f32(mean[2]).f32(std[0]).f32(std[1]).f32(std[2]), memory);
        float[] actual = memory.getFloats(outAddress, in.length);
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int v = in[((n * height + y) * width + x) * 3 + c] & 0xff;
                        float expected = ((v / 255f) - mean[c]) / std[c];
                        int at = ((n * 3 + c) * height + y) * width + x;
                        if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual[at])) {
                            fail("image " + n + " channel " + c + " (" + y + "," + x + ") v=" + v + ": expected "
                                    + expected + ", got " + actual[at]);
                        }
                    }
                }
            }
        }
    }

    // ---- the NHWC 16-bit kernels compute what the NCHW float32 ones do, rounded once ----

    /** (n, c, h, w) values laid out NCHW, re-laid NHWC. */
    private static float[] nhwc(float[] nchw, int n, int c, int h, int w) {
        float[] out = new float[nchw.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[((i * h + y) * w + x) * c + k] = nchw[((i * c + k) * h + y) * w + x];
                    }
                }
            }
        }
        return out;
    }

    /**
     * Runs the float32 NCHW kernel on 16-bit-exact inputs and the type's NHWC kernel on the same values re-laid: the
     * NHWC output must be the NCHW output re-laid and rounded to the type, element for element.
     *
     * @param nchwParams parameters after (in, out) of the NCHW kernel; nhwcParams those of the NHWC kernel
     */
    private static void assertNhwcMatchesNchw(Shape shape, String file, String nchwKernel, String nhwcKernel, float[] in,
                                              int[] inDims, int[] outDims, Params nchwParams, Params nhwcParams,
                                              Storage16 type) {
        int outCount = outDims[0] * outDims[1] * outDims[2] * outDims[3];
        ByteArrayMemory memory = new ByteArrayMemory(6 * (in.length + outCount) + 2048);
        long in32 = memory.allocate(4 * in.length);
        long out32 = memory.allocate(4 * outCount);
        long in16 = memory.allocate(2 * in.length);
        long out16 = memory.allocate(2 * outCount);
        memory.putFloats(in32, in);
        memory.putShorts(in16, type.encode(nhwc(in, inDims[0], inDims[1], inDims[2], inDims[3])));
        launch(ShippedPtx.kernel(file, nchwKernel), shape, new Params().u64(in32).u64(out32).append(nchwParams), memory);
        launch(ShippedPtx.kernel(file, nhwcKernel), shape, new Params().u64(in16).u64(out16).append(nhwcParams), memory);
        float[] expected = nhwc(memory.getFloats(out32, outCount), outDims[0], outDims[1], outDims[2], outDims[3]);
        short[] actual = memory.getShorts(out16, outCount);
        for (int i = 0; i < outCount; i++) {
            assertSame16(type, type.encode(expected[i]), actual[i], nhwcKernel + " element " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void pad2dNhwcIsPad2dRelaid(Shape shape) {
        int n = 2;
        int c = 3;
        int inH = 5;
        int inW = 4;
        int outH = inH + 3;
        int outW = inW + 5;
        for (Storage16 type : Storage16.values()) {
            float[] in = type.rounded(floats(n * c * inH * inW, 10));
            for (int mode = 0; mode < 4; mode++) {
                assertNhwcMatchesNchw(shape, "pad2d", "pad2d_f32", "pad2d_nhwc_" + type.suffix, in, new int[]{n, c, inH, inW},
                        new int[]{n, c, outH, outW}, new Params().u64((long) n * c).s32(inH).s32(inW).s32(outH).s32(outW)
                                .s32(2).s32(3).s32(mode), new Params().u64(n).s32(c).s32(inH).s32(inW).s32(outH).s32(outW)
                                .s32(2).s32(3).s32(mode), type);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void poolsNhwcArePoolsRelaid(Shape shape) {
        int n = 2;
        int c = 5;
        int inH = 9;
        int inW = 8;
        for (Storage16 type : Storage16.values()) {
            float[] in = type.rounded(floats(n * c * inH * inW, 11));
            for (int i = 0; i < in.length; i++) {
                in[i] = Float.isInfinite(in[i]) ? i : in[i]; // NaN kept: max pooling must let it win
            }
            for (int[] p : new int[][]{{3, 2, 1, 1}, {3, 2, 1, 2}, {2, 1, 0, 1}}) { // k, s, pad, d (max) or include pad (avg)
                int outH = (inH + 2 * p[2] - p[3] * (p[0] - 1) - 1) / p[1] + 1;
                int outW = (inW + 2 * p[2] - p[3] * (p[0] - 1) - 1) / p[1] + 1;
                assertNhwcMatchesNchw(shape, "pool2d", "max_pool2d_f32", "max_pool2d_nhwc_" + type.suffix, in,
                        new int[]{n, c, inH, inW}, new int[]{n, c, outH, outW}, new Params().u64((long) n * c).s32(inH)
                                .s32(inW).s32(outH).s32(outW).s32(p[0]).s32(p[1]).s32(p[2]).s32(p[3]),
                        new Params().u64(n).s32(c).s32(inH).s32(inW).s32(outH).s32(outW).s32(p[0]).s32(p[1]).s32(p[2])
                                .s32(p[3]), type);
                int avgH = (inH + 2 * p[2] - p[0]) / p[1] + 1;
                int avgW = (inW + 2 * p[2] - p[0]) / p[1] + 1;
                int includePad = p[3] - 1;
                assertNhwcMatchesNchw(shape, "pool2d", "avg_pool2d_f32", "avg_pool2d_nhwc_" + type.suffix, in,
                        new int[]{n, c, inH, inW}, new int[]{n, c, avgH, avgW}, new Params().u64((long) n * c).s32(inH)
                                .s32(inW).s32(avgH).s32(avgW).s32(p[0]).s32(p[1]).s32(p[2]).s32(includePad),
                        new Params().u64(n).s32(c).s32(inH).s32(inW).s32(avgH).s32(avgW).s32(p[0]).s32(p[1]).s32(p[2])
                                .s32(includePad), type);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void channelPadNhwcIsChannelPadRelaid(Shape shape) {
        int n = 2;
        int inC = 3;
        int inH = 6;
        int inW = 5;
        int outC = 8;
        for (Storage16 type : Storage16.values()) {
            float[] in = type.rounded(floats(n * inC * inH * inW, 12));
            Params params = new Params().s32(n).s32(inC).s32(inH).s32(inW).s32(outC).s32(3).s32(3).s32(2).s32(2);
            assertNhwcMatchesNchw(shape, "channel_pad", "channel_pad_f32", "channel_pad_nhwc_" + type.suffix, in,
                    new int[]{n, inC, inH, inW}, new int[]{n, outC, 3, 3}, params, params, type);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void normalizeToNhwcIsTorchvisionsRoundedOnce(Shape shape) {
        int images = 2;
        int height = 5;
        int width = 7;
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        byte[] in = new byte[images * height * width * 3];
        new Random(13).nextBytes(in);
        for (Storage16 type : Storage16.values()) {
            ByteArrayMemory memory = new ByteArrayMemory(3 * in.length + 1024);
            long inAddress = memory.allocate(in.length);
            long outAddress = memory.allocate(2 * in.length);
            memory.putBytes(inAddress, in);
            launch(ShippedPtx.kernel("normalize_u8", "normalize_u8_hwc_to_nhwc_" + type.suffix), shape, new Params()
                    .u64(inAddress).u64(outAddress).u64(images).s32(height).s32(width).f32(mean[0]).f32(mean[1])
                    .f32(mean[2]).f32(std[0]).f32(std[1]).f32(std[2]), memory);
            short[] actual = memory.getShorts(outAddress, in.length);
            for (int i = 0; i < in.length; i++) {
                int c = i % 3;
                float expected = (((in[i] & 0xff) / 255f) - mean[c]) / std[c];
                assertEquals(type.encode(expected), actual[i], type + " element " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void conversionsAtTheNetworksEdges(Shape shape) {
        int n = 2;
        int c = 3;
        int h = 4;
        int w = 5;
        float[] in = floats(n * c * h * w, 14);
        for (Storage16 type : Storage16.values()) {
            ByteArrayMemory memory = new ByteArrayMemory(10 * in.length + 1024);
            long in32 = memory.allocate(4 * in.length);
            long out16 = memory.allocate(2 * in.length);
            long back32 = memory.allocate(4 * in.length);
            memory.putFloats(in32, in);
            launch(ShippedPtx.kernel("convert", "nchw_f32_to_nhwc_" + type.suffix), shape, new Params().u64(in32).u64(out16)
                    .u64(n).s32(c).s32(h).s32(w), memory);
            short[] narrowed = memory.getShorts(out16, in.length);
            float[] relaid = nhwc(in, n, c, h, w);
            for (int i = 0; i < in.length; i++) {
                assertSame16(type, type.encode(relaid[i]), narrowed[i], type + " narrowed element " + i);
            }
            launch(ShippedPtx.kernel("convert", type.suffix + "_to_f32"), shape, new Params().u64(out16).u64(back32)
                    .u64(in.length), memory);
            float[] widened = memory.getFloats(back32, in.length);
            for (int i = 0; i < in.length; i++) {
                // Widening is exact; a NaN stays a NaN (PTX's cvt gives the canonical one, not the payload).
                float exact = type.decode(narrowed[i]);
                assertTrue(Float.isNaN(exact) ? Float.isNaN(widened[i]) : Float.floatToRawIntBits(exact)
                        == Float.floatToRawIntBits(widened[i]), type + " widened element " + i);
            }
        }
    }
}
