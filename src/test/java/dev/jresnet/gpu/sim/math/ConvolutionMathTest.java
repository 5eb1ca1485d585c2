package dev.jresnet.gpu.sim.math;

import dev.jresnet.tensor.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Hand-computed cases for the definition (plainForward), then the fast version held to it bit for bit over many
 * geometries and layouts; ConvolutionMath's header says why the two must agree exactly.
 */
class ConvolutionMathTest {
    private static final float[] ONE_TO_NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    /** What y holds before a call: elements a layout does not cover must still hold it afterwards. */
    private static final float UNTOUCHED = -12345.5f;

    private static float[] plain(float[] x, Strided4d xl, float[] w, Strided4d wl, ConvGeometry g) {
        Strided4d yl = Strided4d.nchw(xl.n(), wl.n(), g.outputHeight(xl.h(), wl.h()), g.outputWidth(xl.w(), wl.w()));
        float[] y = new float[(int) yl.count()];
        ConvolutionMath.plainForward(x, xl, w, wl, g, y, yl);
        return y;
    }

    private static float[] ones(int count) {
        float[] a = new float[count];
        Arrays.fill(a, 1);
        return a;
    }

    @Test
    void outputSizeIsCudnnsFormulaWithAFlooringDivision() {
        assertEquals(112, ConvGeometry.outputSize(224, 3, 7, 1, 2)); // 1 + (224 + 6 - 7) / 2 = 1 + 111
        assertEquals(56, ConvGeometry.outputSize(56, 1, 3, 1, 1));
        assertEquals(28, ConvGeometry.outputSize(56, 0, 1, 1, 2)); // 1 + 55 / 2
        assertEquals(1, ConvGeometry.outputSize(7, 0, 3, 3, 1)); // dilated extent (3 - 1) * 3 + 1 = 7
        assertEquals(0, ConvGeometry.outputSize(6, 0, 3, 3, 1)); // 1 + (6 - 7) / 1
        assertEquals(-1, ConvGeometry.outputSize(1, 0, 4, 1, 2)); // 1 + floor(-3 / 2) = 1 - 2; truncation would say 0
    }

    @Test
    void crossCorrelationUsesTheFilterAsStored() {
        // x = 1..9 (3x3), w = [[1, 2], [3, 4]]: y(0,0) = 1*1 + 2*2 + 4*3 + 5*4 = 37, each step right adds 1+2+3+4.
        float[] y = plain(ONE_TO_NINE, Strided4d.nchw(1, 1, 3, 3), new float[]{1, 2, 3, 4}, Strided4d.nchw(1, 1, 2, 2),
                ConvGeometry.square(0, 1, 1, 1));
        assertArrayEquals(new float[]{37, 47, 67, 77}, y);
    }

    @Test
    void convolutionModeFlipsTheFilterInBothDimensions() {
        // The same, with w applied as [[4, 3], [2, 1]]: y(0,0) = 1*4 + 2*3 + 4*2 + 5*1 = 23.
        float[] y = plain(ONE_TO_NINE, Strided4d.nchw(1, 1, 3, 3), new float[]{1, 2, 3, 4}, Strided4d.nchw(1, 1, 2, 2),
                new ConvGeometry(0, 0, 1, 1, 1, 1, 1, false));
        assertArrayEquals(new float[]{23, 33, 53, 63}, y);
    }

    @Test
    void paddingOfHeightAndWidthAreIndependent() {
        // pad (1, 0) with a 3x3 box: one output column, each the sum of up to three whole rows (6, 15, 24).
        float[] y = plain(ONE_TO_NINE, Strided4d.nchw(1, 1, 3, 3), ones(9), Strided4d.nchw(1, 1, 3, 3),
                new ConvGeometry(1, 0, 1, 1, 1, 1, 1, true));
        assertArrayEquals(new float[]{6 + 15, 6 + 15 + 24, 15 + 24}, y);
    }

    @Test
    void dilationSpreadsTheTapsAndStrideSkipsOutputs() {
        // x(i, j) = 5i + j + 1 on 5x5; a 2x2 box dilated by 2 sums x at rows {p, p+2} and columns {q, q+2}:
        // 4 * (5p + q + 1) + 2*5 + 2*5 + 2 + 2... i.e. y(p, q) = 28 + 20p + 4q.
        float[] x = new float[25];
        for (int i = 0; i < 25; i++) {
            x[i] = i + 1;
        }
        float[] dense = plain(x, Strided4d.nchw(1, 1, 5, 5), ones(4), Strided4d.nchw(1, 1, 2, 2), ConvGeometry.square(0, 1, 2, 1));
        assertArrayEquals(new float[]{28, 32, 36, 48, 52, 56, 68, 72, 76}, dense);
        float[] strided = plain(x, Strided4d.nchw(1, 1, 5, 5), ones(4), Strided4d.nchw(1, 1, 2, 2), ConvGeometry.square(0, 2, 2, 1));
        assertArrayEquals(new float[]{28, 36, 68, 76}, strided);
    }

    @Test
    void eachGroupReadsOnlyItsOwnInputChannels() {
        // 4 channels of one pixel (1, 2, 3, 4), 2 groups: k0 reads c0, c1 (10, 100); k1 reads c2, c3 (1000, 10000).
        float[] y = plain(new float[]{1, 2, 3, 4}, Strided4d.nchw(1, 4, 1, 1), new float[]{10, 100, 1000, 10000},
                Strided4d.nchw(2, 2, 1, 1), ConvGeometry.square(0, 1, 1, 2));
        assertArrayEquals(new float[]{1 * 10 + 2 * 100, 3 * 1000 + 4 * 10000}, y);
        // Depthwise with 2 outputs per channel: k reads channel k / 2.
        float[] dw = plain(new float[]{1, 2}, Strided4d.nchw(1, 2, 1, 1), new float[]{3, 5, 7, 11},
                Strided4d.nchw(4, 1, 1, 1), ConvGeometry.square(0, 1, 1, 2));
        assertArrayEquals(new float[]{3, 5, 14, 22}, dw);
    }

    @Test
    void mismatchedShapesAreRejected() {
        float[] x = new float[2 * 3 * 5 * 5];
        float[] w = new float[4 * 3 * 3 * 3];
        Strided4d xl = Strided4d.nchw(2, 3, 5, 5);
        Strided4d wl = Strided4d.nchw(4, 3, 3, 3);
        ConvGeometry g = ConvGeometry.square(1, 1, 1, 1);
        float[] y = new float[2 * 4 * 5 * 5];
        assertThrows(IllegalArgumentException.class, () -> ConvolutionMath.forward(x, xl, w, wl, g, y, Strided4d.nchw(2, 4, 4, 5)));
        assertThrows(IllegalArgumentException.class, () -> ConvolutionMath.forward(x, xl, w, wl, ConvGeometry.square(1, 1, 1, 3), y,
                Strided4d.nchw(2, 4, 5, 5)));
        assertThrows(IllegalArgumentException.class, () -> ConvolutionMath.forward(x, xl, w, wl, g, new float[10],
                Strided4d.nchw(2, 4, 5, 5)));
        assertThrows(IllegalArgumentException.class, () -> ConvolutionMath.plainForward(x, xl, w, Strided4d.nchw(4, 3, 9, 9),
                ConvGeometry.square(0, 1, 1, 1), y, Strided4d.nchw(2, 4, 0, 0)));
    }

    record Case(String name, int n, int c, int h, int w, int k, int r, int s, ConvGeometry g) {
        @Override
        public String toString() {
            return name + " x(" + n + "," + c + "," + h + "," + w + ") w(" + k + "," + c / g.groups() + "," + r + "," + s + ") " + g;
        }
    }

    static List<Case> geometries() {
        return List.of(
                new Case("3x3 pad 1", 2, 5, 9, 11, 7, 3, 3, ConvGeometry.square(1, 1, 1, 1)),
                new Case("3x3 convolution mode", 2, 5, 9, 11, 7, 3, 3, new ConvGeometry(1, 1, 1, 1, 1, 1, 1, false)),
                new Case("7x7 stride 2 pad 3", 2, 3, 23, 19, 8, 7, 7, ConvGeometry.square(3, 2, 1, 1)),
                new Case("1x1", 3, 16, 7, 5, 12, 1, 1, ConvGeometry.square(0, 1, 1, 1)),
                new Case("1x1 stride 2", 2, 8, 9, 9, 16, 1, 1, ConvGeometry.square(0, 2, 1, 1)),
                new Case("3x1", 2, 4, 8, 7, 6, 3, 1, new ConvGeometry(1, 0, 1, 1, 1, 1, 1, true)),
                new Case("1x3", 2, 4, 8, 7, 6, 1, 3, new ConvGeometry(0, 1, 1, 1, 1, 1, 1, true)),
                new Case("3x3 stride 3 pad 2", 1, 3, 17, 13, 5, 3, 3, ConvGeometry.square(2, 3, 1, 1)),
                new Case("3x3 dilation 2", 2, 3, 12, 10, 5, 3, 3, ConvGeometry.square(2, 1, 2, 1)),
                new Case("mixed: dilation (2, 1), stride (1, 2), pad (2, 0)", 2, 3, 11, 13, 6, 3, 3,
                        new ConvGeometry(2, 0, 1, 2, 2, 1, 1, true)),
                new Case("mixed, convolution mode", 2, 3, 11, 13, 6, 3, 2, new ConvGeometry(1, 2, 2, 1, 1, 2, 1, false)),
                new Case("groups 2", 2, 6, 7, 7, 4, 3, 3, ConvGeometry.square(1, 1, 1, 2)),
                new Case("groups 3, convolution mode", 1, 9, 6, 8, 9, 3, 3, new ConvGeometry(1, 1, 2, 2, 1, 1, 3, false)),
                new Case("depthwise", 2, 8, 9, 7, 8, 3, 3, ConvGeometry.square(1, 1, 1, 8)),
                new Case("depthwise, 2 outputs per channel, stride 2", 2, 4, 9, 9, 8, 5, 5, ConvGeometry.square(2, 2, 1, 4)),
                new Case("several position blocks, K not a multiple of 4", 2, 3, 30, 29, 21, 3, 3, ConvGeometry.square(1, 1, 1, 1)),
                new Case("few positions, many channels", 2, 20, 3, 3, 150, 3, 3, ConvGeometry.square(1, 1, 1, 1)),
                new Case("few positions, groups", 1, 12, 2, 3, 264, 3, 3, ConvGeometry.square(1, 1, 1, 2)),
                new Case("padding wider than the filter", 1, 2, 3, 3, 3, 2, 2, ConvGeometry.square(3, 1, 1, 1)),
                new Case("4x2 filter, stride (2, 1)", 2, 3, 10, 9, 5, 4, 2, new ConvGeometry(1, 0, 2, 1, 1, 1, 1, true)),
                new Case("filter as large as the input", 3, 4, 5, 6, 7, 5, 6, ConvGeometry.square(0, 1, 1, 1)));
    }

    /** Every geometry with five layout combinations, so each layout serves as x, w and y somewhere. */
    static List<Object[]> geometriesAndLayouts() {
        Layouts[] all = Layouts.values();
        List<Object[]> cases = new ArrayList<>();
        for (Case c : geometries()) {
            for (int i = 0; i < all.length; i++) {
                cases.add(new Object[]{c, all[i], all[(i + 1) % all.length], all[(i + 2) % all.length]});
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} x {1} w {2} y {3}")
    @MethodSource("geometriesAndLayouts")
    void fastMatchesPlainBitForBit(Case c, Layouts xLayout, Layouts wLayout, Layouts yLayout) {
        assertFastMatchesPlain(c, xLayout, wLayout, yLayout, Long.MAX_VALUE);
    }

    @Test
    void fastMatchesPlainWhenTheBatchIsCutIntoSlices() {
        // A patch budget below one block's patch forces a slice per block of positions.
        for (Case c : geometries()) {
            assertFastMatchesPlain(c, Layouts.NCHW, Layouts.NCHW, Layouts.GAPPY_NHWC, 1000);
        }
    }

    private static void assertFastMatchesPlain(Case c, Layouts xLayout, Layouts wLayout, Layouts yLayout, long patchBudget) {
        Strided4d xl = xLayout.of(c.n, c.c, c.h, c.w);
        Strided4d wl = wLayout.of(c.k, c.c / c.g.groups(), c.r, c.s);
        Strided4d yl = yLayout.of(c.n, c.k, c.g.outputHeight(c.h, c.r), c.g.outputWidth(c.w, c.s));
        SeededRandom random = new SeededRandom(c.toString().hashCode());
        float[] x = new float[(int) xl.span()];
        float[] w = new float[(int) wl.span()];
        random.fillNormal(x, 1);
        random.fillNormal(w, 1);
        float[] expected = new float[(int) yl.span() + 3];
        Arrays.fill(expected, UNTOUCHED);
        float[] actual = expected.clone();
        ConvolutionMath.plainForward(x, xl, w, wl, c.g, expected, yl);
        if (patchBudget == Long.MAX_VALUE) {
            ConvolutionMath.forward(x, xl, w, wl, c.g, actual, yl);
        } else {
            ConvolutionMath.forward(x, xl, w, wl, c.g, actual, yl, patchBudget);
        }
        assertArrayEquals(expected, actual, c::toString);
    }
}
