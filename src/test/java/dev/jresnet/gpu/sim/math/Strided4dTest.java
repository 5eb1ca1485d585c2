package dev.jresnet.gpu.sim.math;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Strided4dTest {
    @Test
    void packedLayoutsPlaceElementsWhereCudnnDoes() {
        // (2, 3, 4, 5): NCHW strides (60, 20, 5, 1); NHWC strides (60, 1, 15, 3).
        Strided4d nchw = Strided4d.nchw(2, 3, 4, 5);
        assertEquals(60 + 2 * 20 + 3 * 5 + 4, nchw.index(1, 2, 3, 4));
        assertEquals(120, nchw.span());
        Strided4d nhwc = Strided4d.nhwc(2, 3, 4, 5);
        assertEquals(60 + 2 + 3 * 15 + 4 * 3, nhwc.index(1, 2, 3, 4));
        assertEquals(120, nhwc.span());
    }

    @Test
    void spanIsOnePastTheLastReachableIndexAndZeroWhenEmpty() {
        Strided4d gappy = new Strided4d(2, 3, 4, 5, 1000, 100, 10, 1, 7);
        assertEquals(7 + 1000 + 200 + 30 + 4 + 1, gappy.span());
        assertEquals(0, new Strided4d(2, 0, 4, 5, 1000, 100, 10, 1, 7).span());
        assertEquals(0, Strided4d.nchw(0, 3, 4, 5).span());
    }

    @Test
    void requireFitsComparesTheSpanWithTheArray() {
        Strided4d l = Strided4d.nchw(1, 2, 3, 4);
        l.requireFits(new float[24], "x");
        assertThrows(IllegalArgumentException.class, () -> l.requireFits(new float[23], "x"));
    }

    @Test
    void negativeDimsStridesAndOffsetsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Strided4d.nchw(1, -1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Strided4d(1, 1, 2, 2, 4, 4, -2, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Strided4d(1, 1, 2, 2, 4, 4, 2, 1, -1));
    }
}
