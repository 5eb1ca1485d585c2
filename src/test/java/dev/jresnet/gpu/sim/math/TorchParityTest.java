package dev.jresnet.gpu.sim.math;

import dev.jresnet.tensor.Npy;
import dev.jresnet.testing.TorchOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolution (both modes), pooling and batch norm against PyTorch (src/test/python/sim_math_cases.py writes the
 * inputs and torch's results). The bar is the largest difference over the largest |y|: 1e-5 for convolutions (float
 * sums of up to 576 terms in different orders), 1e-6 for pooling and batch norm. Each case runs with packed NCHW
 * tensors and again with every tensor in a strided NHWC layout with gaps.
 */
class TorchParityTest {
    @TempDir
    static Path dir;

    private record Conv(String name, int n, int c, int h, int w, int k, int r, int s, ConvGeometry g) {
        String spec() {
            return String.join(":", "conv", name, n + "," + c + "," + h + "," + w, k + "," + r + "," + s,
                    g.padH() + "," + g.padW(), g.strideH() + "," + g.strideW(), g.dilationH() + "," + g.dilationW(),
                    String.valueOf(g.groups()), g.crossCorrelation() ? "cross" : "conv");
        }
    }

    private record Pool(String name, int n, int c, int h, int w, PoolingMode mode, PoolingGeometry g) {
        String spec() {
            String mode = switch (this.mode) {
                case MAX -> "max";
                case AVERAGE_INCLUDE_PADDING -> "avg_include";
                case AVERAGE_EXCLUDE_PADDING -> "avg_exclude";
            };
            return String.join(":", "pool", name, n + "," + c + "," + h + "," + w, g.windowH() + "," + g.windowW(),
                    g.padH() + "," + g.padW(), g.strideH() + "," + g.strideW(), mode);
        }
    }

    private static final List<Conv> CONVS = List.of(
            new Conv("cross_3x3", 2, 5, 9, 11, 7, 3, 3, ConvGeometry.square(1, 1, 1, 1)),
            new Conv("convolution_mode_3x2", 2, 3, 8, 9, 4, 3, 2, new ConvGeometry(1, 0, 1, 1, 1, 1, 1, false)),
            new Conv("dilation_and_uneven_padding", 1, 4, 13, 12, 6, 3, 3, new ConvGeometry(2, 1, 1, 2, 2, 1, 1, true)),
            new Conv("stride_3", 2, 3, 17, 16, 5, 3, 3, ConvGeometry.square(1, 3, 1, 1)),
            new Conv("groups_convolution_mode", 2, 6, 9, 9, 8, 3, 3, new ConvGeometry(1, 1, 2, 2, 1, 1, 2, false)),
            new Conv("depthwise", 1, 8, 7, 7, 8, 3, 3, ConvGeometry.square(1, 1, 1, 8)),
            new Conv("stem_7x7_stride_2", 1, 3, 32, 32, 16, 7, 7, ConvGeometry.square(3, 2, 1, 1)),
            new Conv("few_positions_many_channels", 2, 64, 3, 3, 160, 3, 3, ConvGeometry.square(1, 1, 1, 1)));

    private static final List<Pool> POOLS = List.of(
            new Pool("max_3x3_stride_2", 2, 3, 9, 10, PoolingMode.MAX, new PoolingGeometry(3, 3, 1, 1, 2, 2)),
            new Pool("average_with_padding", 2, 3, 9, 10, PoolingMode.AVERAGE_INCLUDE_PADDING, new PoolingGeometry(3, 3, 1, 1, 2, 2)),
            new Pool("average_without_padding", 2, 3, 9, 10, PoolingMode.AVERAGE_EXCLUDE_PADDING, new PoolingGeometry(3, 3, 1, 1, 2, 2)),
            new Pool("average_without_padding_2x3", 1, 2, 7, 9, PoolingMode.AVERAGE_EXCLUDE_PADDING, new PoolingGeometry(2, 3, 1, 1, 1, 2)),
            new Pool("global_average", 1, 4, 7, 7, PoolingMode.AVERAGE_INCLUDE_PADDING, new PoolingGeometry(7, 7, 0, 0, 1, 1)));

    private static final int BN_N = 2;
    private static final int BN_C = 5;
    private static final int BN_H = 4;
    private static final int BN_W = 3;

    @BeforeAll
    static void runTorch() {
        TorchOracle.assumeAvailable();
        List<String> specs = new ArrayList<>(List.of(dir.toString()));
        CONVS.forEach(c -> specs.add(c.spec()));
        POOLS.forEach(p -> specs.add(p.spec()));
        specs.add("bn:bn_eps_1e-5:" + BN_N + "," + BN_C + "," + BN_H + "," + BN_W + ":1e-5");
        specs.add("bn:bn_eps_1e-3:" + BN_N + "," + BN_C + "," + BN_H + "," + BN_W + ":1e-3");
        TorchOracle.runTestScript("sim_math_cases.py", specs.toArray(String[]::new));
    }

    private static float[] read(String name, String part) throws IOException {
        return Npy.read(dir.resolve(name + "." + part + ".npy")).data();
    }

    private enum Placement { PACKED_NCHW, GAPPY_NHWC }

    private static Strided4d layout(Placement placement, int n, int c, int h, int w) {
        return (placement == Placement.PACKED_NCHW ? Layouts.NCHW : Layouts.GAPPY_NHWC).of(n, c, h, w);
    }

    /** Packed NCHW values placed at layout l in a fresh array (gaps hold NaN, which must never be read). */
    private static float[] place(float[] packed, Strided4d l) {
        float[] a = new float[(int) l.span()];
        Arrays.fill(a, Float.NaN);
        Strided4d from = Strided4d.nchw(l.n(), l.c(), l.h(), l.w());
        copy(packed, from, a, l);
        return a;
    }

    private static float[] gather(float[] a, Strided4d l) {
        Strided4d to = Strided4d.nchw(l.n(), l.c(), l.h(), l.w());
        float[] packed = new float[(int) to.count()];
        copy(a, l, packed, to);
        return packed;
    }

    private static void copy(float[] src, Strided4d sl, float[] dst, Strided4d dl) {
        for (int n = 0; n < sl.n(); n++) {
            for (int c = 0; c < sl.c(); c++) {
                for (int h = 0; h < sl.h(); h++) {
                    for (int w = 0; w < sl.w(); w++) {
                        dst[(int) dl.index(n, c, h, w)] = src[(int) sl.index(n, c, h, w)];
                    }
                }
            }
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual, double relative) {
        assertArrayEquals(new int[]{expected.length}, new int[]{actual.length}, what + ": element count");
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]));
        }
        double ratio = worst / largest;
        System.out.printf(Locale.ROOT, "sim math vs torch %-40s max |diff| / max |y| = %.2e%n", what, ratio);
        assertTrue(ratio <= relative, () -> what + ": max |diff| / max |y| = " + ratio + " > " + relative);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void convolutionsMatchConv2d(Placement placement) throws IOException {
        for (Conv c : CONVS) {
            Strided4d xl = layout(placement, c.n, c.c, c.h, c.w);
            Strided4d wl = layout(placement, c.k, c.c / c.g.groups(), c.r, c.s);
            Strided4d yl = layout(placement, c.n, c.k, c.g.outputHeight(c.h, c.r), c.g.outputWidth(c.w, c.s));
            float[] y = new float[(int) yl.span()];
            ConvolutionMath.forward(place(read(c.name, "x"), xl), xl, place(read(c.name, "w"), wl), wl, c.g, y, yl);
            assertClose(c.name + " " + placement, read(c.name, "y"), gather(y, yl), 1e-5);
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void poolingMatchesMaxAndAveragePool2d(Placement placement) throws IOException {
        for (Pool p : POOLS) {
            Strided4d xl = layout(placement, p.n, p.c, p.h, p.w);
            Strided4d yl = layout(placement, p.n, p.c, p.g.outputHeight(p.h), p.g.outputWidth(p.w));
            float[] y = new float[(int) yl.span()];
            PoolingMath.forward(p.mode, true, p.g, 1f, place(read(p.name, "x"), xl), xl, 0f, y, yl);
            assertClose(p.name + " " + placement, read(p.name, "y"), gather(y, yl), 1e-6);
        }
    }

    @Test
    void batchNormMatchesBatchNormInInferenceMode() throws IOException {
        for (String eps : new String[]{"1e-5", "1e-3"}) {
            String name = "bn_eps_" + eps;
            for (Placement placement : Placement.values()) {
                Strided4d xl = layout(placement, BN_N, BN_C, BN_H, BN_W);
                float[] y = new float[(int) xl.span()];
                BatchNormMath.forwardInference(1f, place(read(name, "x"), xl), xl, 0f, y, xl, read(name, "scale"),
                        read(name, "bias"), read(name, "mean"), read(name, "var"), Double.parseDouble(eps));
                assertClose(name + " " + placement, read(name, "y"), gather(y, xl), 1e-6);
            }
        }
    }
}
