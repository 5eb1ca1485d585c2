package dev.jresnet.cpu;

import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.PoolSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.SeededRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast kernels held to the plain ones: convolutions of many geometries (odd sizes, strides, groups, dilation,
 * 1x1 to 7x7, batch 1 and 7, every epilogue, reductions deeper than a chunk, more rows and columns than a task),
 * on the Vector API micro-kernel with two threads, on the scalar one with three, and on one thread; the other ops
 * must agree bit for bit (the same arithmetic in the same order). About 2 s.
 */
class FastKernelsTest {
    private static final PlainKernels PLAIN = new PlainKernels();
    private static List<FastKernels> fastVariants;

    @BeforeAll
    static void start() {
        // Every micro-kernel that runs natively here (512-bit and 256-bit vectors on AVX-512, 256-bit on AVX2, and
        // the scalar one), on 2 threads (3 for the scalar one), and the chosen one on a single thread.
        List<FastKernels> variants = new ArrayList<>();
        for (MicroKernel kernel : MicroKernel.available()) {
            variants.add(new FastKernels(kernel instanceof ScalarMicroKernel ? 3 : 2, kernel));
        }
        variants.add(new FastKernels(1, MicroKernel.best()));
        fastVariants = List.copyOf(variants);
    }

    @AfterAll
    static void stop() {
        fastVariants.forEach(FastKernels::close);
    }

    @Test
    void theVectorKernelIsChosenWhenTheModuleIsPresent() {
        // Surefire starts the tests with --add-modules jdk.incubator.vector, as the jar's launcher does.
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        boolean avx512 = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
        assertEquals(avx512 ? "Vector512MicroKernel" : "VectorMicroKernel", MicroKernel.best().getClass().getSimpleName());
    }

    record ConvCase(String label, int batch, Shape in, ConvSpec spec, boolean bias, boolean residual, boolean relu) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<ConvCase> convCases() {
        List<ConvCase> cases = new ArrayList<>();
        // label, batch, C, H, W, out, kernel, stride, pad, dilation, groups, bias, residual, relu
        cases.add(conv("3x3 s1 odd size, all epilogues", 1, 5, 13, 11, 8, 3, 1, 1, 1, 1, true, true, true));
        cases.add(conv("3x3 s1 batch 7, deep reduction", 7, 40, 9, 10, 12, 3, 1, 1, 1, 1, true, false, true));
        cases.add(conv("3x3 s2 odd size", 7, 6, 15, 17, 20, 3, 2, 1, 1, 1, false, false, false));
        cases.add(conv("1x1 s1 pointwise, residual", 7, 33, 7, 7, 64, 1, 1, 0, 1, 1, true, true, false));
        cases.add(conv("1x1 s2 downsample", 1, 16, 14, 13, 36, 1, 2, 0, 1, 1, true, false, false));
        cases.add(conv("7x7 s2 p3 stem", 1, 3, 37, 45, 16, 7, 2, 3, 1, 1, true, false, true));
        cases.add(conv("3x3 dilation 2", 7, 8, 12, 12, 8, 3, 1, 2, 2, 1, false, true, true));
        cases.add(conv("3x3 groups 4", 1, 16, 11, 9, 24, 3, 1, 1, 1, 4, true, false, true));
        cases.add(conv("3x3 depthwise", 7, 12, 8, 8, 12, 3, 1, 1, 1, 12, false, false, false));
        cases.add(conv("out channels not a multiple of 4", 1, 7, 9, 9, 10, 3, 1, 1, 1, 1, true, true, true));
        cases.add(conv("more rows and columns than one task", 1, 24, 20, 21, 300, 1, 1, 0, 1, 1, true, false, true));
        // Tiles summed in the output (inside one image) beside tiles summed aside (across images, the last rows).
        cases.add(conv("1x1 s1 deep reduction, tiles inside and across images", 3, 300, 10, 10, 20, 1, 1, 0, 1, 1,
                true, true, true));
        cases.add(conv("3x3 s1 no padding, deep reduction", 2, 30, 12, 40, 16, 3, 1, 0, 1, 1, false, true, true));
        // Batch 1's 7x7 layers: rows split between threads, B gathered once for all of them.
        cases.add(conv("3x3 s1 7x7, rows split, deep reduction", 1, 300, 7, 7, 200, 3, 1, 1, 1, 1, true, true, true));
        // Found by the benchmark: resnet50's 2048-row layers overflowed the accumulators with 32-column tiles.
        cases.add(conv("more rows than the accumulators hold for one tile", 1, 8, 3, 3, 4100, 1, 1, 0, 1, 1, true, true, true));
        cases.add(new ConvCase("5x3 kernel, stride 3, width padding only", 7, new Shape(4, 16, 14),
                new ConvSpec(4, 8, 5, 3, 3, 3, 0, 1, 1, 1, 1, false), false, false, true));
        return cases;
    }

    private static ConvCase conv(String label, int batch, int c, int h, int w, int out, int kernel, int stride, int pad,
                                 int dilation, int groups, boolean bias, boolean residual, boolean relu) {
        return new ConvCase(label, batch, new Shape(c, h, w),
                ConvSpec.square(c, out, kernel, stride, pad, dilation, groups, bias), bias, residual, relu);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void convolutionMatchesPlain(ConvCase k) {
        ConvSpec s = k.spec();
        Shape outShape = s.outputShape(k.in());
        int[] w = s.weightShape();
        long seed = k.label().hashCode();
        float[] weight = SeededRandom.normal(seed, w).data();
        float[] bias = k.bias() ? SeededRandom.normal(seed + 1, s.outChannels()).data() : null;
        float[] in = SeededRandom.normal(seed + 2, k.batch(), k.in().channels(), k.in().height(), k.in().width()).data();
        int outSize = (int) (k.batch() * outShape.elements());
        float[] residual = k.residual() ? SeededRandom.normal(seed + 3, outSize).data() : null;
        var op = new PlanOp.ConvOp("conv", 0, 1, k.residual() ? 2 : PlanOp.NO_BUFFER, k.in(), outShape, s, weight, bias,
                k.relu());
        float[] expected = new float[outSize];
        PLAIN.conv(op, in, residual, expected, k.batch());
        for (FastKernels fast : fastVariants) {
            float[] actual = new float[outSize + 5]; // longer than needed, as the executor's buffers may be
            fast.conv(op, in, residual, actual, k.batch());
            fast.conv(op, in, residual, actual, k.batch()); // a second call reuses the packed weights and scratch
            float[] trimmed = Arrays.copyOf(actual, outSize);
            double error = Metrics.relativeL2(trimmed, expected);
            assertTrue(error < 1e-6, () -> String.format(Locale.ROOT, "%s on %s: relative L2 %.2e", k.label(),
                    fast.description(), error));
            for (int i = 0; i < outSize; i++) {
                assertEquals(expected[i], trimmed[i], 1e-4f * (1 + Math.abs(expected[i])), "element " + i);
            }
        }
    }

    static List<ConvCase> winogradCases() {
        List<ConvCase> cases = new ArrayList<>();
        // label, batch, C, H, W, out, kernel, stride, pad, dilation, groups, bias, residual, relu
        cases.add(conv("odd size, all epilogues", 1, 5, 13, 11, 8, 3, 1, 1, 1, 1, true, true, true));
        cases.add(conv("batch 7, channels not a multiple of 4", 7, 6, 9, 10, 10, 3, 1, 1, 1, 1, true, false, true));
        cases.add(conv("no padding", 2, 8, 10, 9, 12, 3, 1, 0, 1, 1, false, true, false));
        cases.add(conv("padding 2", 1, 4, 6, 7, 4, 3, 1, 2, 1, 1, true, false, false));
        cases.add(conv("reduction deeper than a chunk", 2, 300, 7, 7, 20, 3, 1, 1, 1, 1, true, true, true));
        cases.add(conv("more tiles and rows than one task", 3, 16, 30, 28, 200, 3, 1, 1, 1, 1, false, false, true));
        cases.add(conv("1x1 output", 2, 8, 1, 1, 8, 3, 1, 1, 1, 1, true, false, false));
        return cases;
    }

    /** Winograd's F(2x2, 3x3) against the direct plain loops, called directly (the fast kernels pick it by size). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("winogradCases")
    void winogradMatchesPlain(ConvCase k) {
        assertTrue(WinogradConvolution.applies(k.spec()));
        ConvSpec s = k.spec();
        Shape outShape = s.outputShape(k.in());
        long seed = k.label().hashCode();
        float[] weight = SeededRandom.normal(seed, s.weightShape()).data();
        float[] bias = k.bias() ? SeededRandom.normal(seed + 1, s.outChannels()).data() : null;
        float[] in = SeededRandom.normal(seed + 2, k.batch(), k.in().channels(), k.in().height(), k.in().width()).data();
        int outSize = (int) (k.batch() * outShape.elements());
        float[] residual = k.residual() ? SeededRandom.normal(seed + 3, outSize).data() : null;
        var op = new PlanOp.ConvOp("conv", 0, 1, k.residual() ? 2 : PlanOp.NO_BUFFER, k.in(), outShape, s, weight, bias,
                k.relu());
        float[] expected = new float[outSize];
        PLAIN.conv(op, in, residual, expected, k.batch());
        for (MicroKernel kernel : MicroKernel.available()) {
            for (int threads : new int[]{1, 3}) {
                checkWinograd(k, op, in, residual, expected, kernel, threads);
            }
        }
    }

    private static void checkWinograd(ConvCase k, PlanOp.ConvOp op, float[] in, float[] residual, float[] expected,
                                      MicroKernel kernel, int threads) {
        int outSize = expected.length;
        try (WorkerPool pool = new WorkerPool(threads)) {
            ConvScratch[] scratch = new ConvScratch[threads];
            for (int i = 0; i < threads; i++) {
                scratch[i] = new ConvScratch();
            }
            float[] actual = new float[outSize];
            new WinogradConvolution(op, kernel.rows()).run(in, residual, actual, k.batch(), pool, kernel, scratch);
            double error = Metrics.relativeL2(actual, expected);
            assertTrue(error < 1e-6, () -> String.format(Locale.ROOT, "%s, %s, %d threads: relative L2 %.2e", k.label(),
                    kernel.description(), threads, error));
            for (int i = 0; i < outSize; i++) {
                assertEquals(expected[i], actual[i], 1e-4f * (1 + Math.abs(expected[i])), "element " + i);
            }
        }
    }

    @Test
    void winogradIsUsedOnlyWhereItWasMeasuredFaster() {
        ConvSpec wide = ConvSpec.square(256, 256, 3, 1, 1, 1, 1, false);
        var layer3 = new PlanOp.ConvOp("c", 0, 1, PlanOp.NO_BUFFER, new Shape(256, 14, 14), new Shape(256, 14, 14), wide,
                new float[256 * 256 * 9], null, true);
        assertTrue(WinogradConvolution.pays(layer3, 8)); // 8 x 49 tiles
        assertTrue(!WinogradConvolution.pays(layer3, 1)); // 49 tiles: the transforms would dominate
        ConvSpec narrow = ConvSpec.square(64, 64, 3, 1, 1, 1, 1, false);
        var layer1 = new PlanOp.ConvOp("c", 0, 1, PlanOp.NO_BUFFER, new Shape(64, 56, 56), new Shape(64, 56, 56), narrow,
                new float[64 * 64 * 9], null, true);
        assertTrue(!WinogradConvolution.pays(layer1, 32));
    }

    /** A micro-kernel's epilogue on a tile inside a larger C, held to the plain epilogue on each row, bit for bit. */
    @Test
    void tileEpilogueMatchesPlainExactly() {
        for (MicroKernel kernel : MicroKernel.available()) {
            int ldc = kernel.cols() + 7;
            int cOff = ldc + 3;
            int size = cOff + kernel.rows() * ldc;
            float[] c = SeededRandom.normal(30, size).data();
            float[] residual = SeededRandom.normal(31, size).data();
            c[cOff] = Float.NaN;
            c[cOff + 1] = -0f;
            residual[cOff + ldc + 2] = Float.NaN;
            for (float[] res : new float[][]{null, residual}) {
                for (boolean relu : new boolean[]{false, true}) {
                    float[] expected = c.clone();
                    for (int i = 0; i < kernel.rows(); i++) {
                        PlainKernels.epilogue(expected, res, cOff + i * ldc, kernel.cols(), relu);
                    }
                    float[] actual = c.clone();
                    kernel.finish(actual, cOff, ldc, res, relu);
                    assertArrayEquals(expected, actual, kernel.description() + (res == null ? "" : ", residual")
                            + (relu ? ", relu" : ""));
                }
            }
        }
    }

    @Test
    void elementwiseOpsMatchPlainExactly() {
        Shape shape = new Shape(6, 9, 11);
        int batch = 7;
        int count = (int) (batch * shape.elements());
        float[] a = SeededRandom.normal(10, count).data();
        float[] b = SeededRandom.normal(11, count).data();
        a[5] = Float.NaN;
        var bn = new PlanOp.BatchNormOp("bn", 0, 1, shape, SeededRandom.normal(1, 6).data(),
                SeededRandom.normal(2, 6).data(), SeededRandom.normal(3, 6).data(), variances(), 1e-5);
        var add = new PlanOp.AddOp("add", 0, 1, 2, shape, true);
        for (FastKernels fast : fastVariants) {
            assertArrayEquals(run(count, out -> PLAIN.batchNorm(bn, a, out, batch)), run(count, out -> fast.batchNorm(bn, a, out, batch)));
            assertArrayEquals(run(count, out -> PLAIN.relu(a, out, count)), run(count, out -> fast.relu(a, out, count)));
            assertArrayEquals(run(count, out -> PLAIN.add(add, a, b, out, batch)), run(count, out -> fast.add(add, a, b, out, batch)));
        }
    }

    @Test
    void poolingAndLinearMatchPlainExactly() {
        Shape in = new Shape(5, 13, 12);
        int batch = 7;
        float[] x = SeededRandom.normal(20, (int) (batch * in.elements())).data();
        x[17] = Float.NaN;
        for (PoolSpec p : List.of(new PoolSpec(3, 2, 1, 1, false), new PoolSpec(3, 2, 1, 1, true),
                new PoolSpec(2, 1, 0, 2, false), new PoolSpec(3, 3, 1, 1, true), new PoolSpec(2, 2, 1, 1, true),
                new PoolSpec(5, 1, 2, 2, false), new PoolSpec(12, 1, 0, 1, false))) {
            Shape out = p.outputShape(in);
            var op = new PlanOp.MaxPoolOp("pool", 0, 1, in, out, p);
            int size = (int) (batch * out.elements());
            for (FastKernels fast : fastVariants) {
                assertArrayEquals(run(size, o -> PLAIN.maxPool(op, x, o, batch)), run(size, o -> fast.maxPool(op, x, o, batch)), p.toString());
            }
        }
        var gap = new PlanOp.GlobalAvgPoolOp("gap", 0, 1, in);
        var linear = new PlanOp.LinearOp("fc", 0, 1, 156, 30, SeededRandom.normal(21, 30 * 156).data(), SeededRandom.normal(22, 30).data());
        for (FastKernels fast : fastVariants) {
            assertArrayEquals(run(batch * 5, o -> PLAIN.globalAvgPool(gap, x, o, batch)), run(batch * 5, o -> fast.globalAvgPool(gap, x, o, batch)));
            assertArrayEquals(run(batch * 30, o -> PLAIN.linear(linear, x, o, batch)), run(batch * 30, o -> fast.linear(linear, x, o, batch)));
        }
    }

    private static float[] variances() {
        float[] v = SeededRandom.normal(4, 6).data();
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.5f + v[i] * v[i];
        }
        return v;
    }

    private static float[] run(int size, Consumer<float[]> kernel) {
        float[] out = new float[size];
        kernel.accept(out);
        return out;
    }
}
