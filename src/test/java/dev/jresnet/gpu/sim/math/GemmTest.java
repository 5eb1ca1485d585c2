package dev.jresnet.gpu.sim.math;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static dev.jresnet.gpu.sim.math.Gemm.OP_C;
import static dev.jresnet.gpu.sim.math.Gemm.OP_N;
import static dev.jresnet.gpu.sim.math.Gemm.OP_T;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-computed column-major products. A = [[1, 2, 3], [4, 5, 6]] (2x3), B = [[7, 8], [9, 10], [11, 12]] (3x2):
 * A*B = [[1*7 + 2*9 + 3*11, 1*8 + 2*10 + 3*12], [4*7 + 5*9 + 6*11, 4*8 + 5*10 + 6*12]] = [[58, 64], [139, 154]].
 */
class GemmTest {
    private static final float[][] A = {{1, 2, 3}, {4, 5, 6}};
    private static final float[][] B = {{7, 8}, {9, 10}, {11, 12}};
    /** What the padding rows of a leading dimension hold: it must never be read into C, nor overwritten in C. */
    private static final float GAP = Float.NaN;

    /** Column-major storage of m (rows x cols), transposed first if asked, with leading dimension ld. */
    private static float[] store(float[][] m, boolean transposed, int ld) {
        int rows = transposed ? m[0].length : m.length;
        int cols = transposed ? m.length : m[0].length;
        float[] a = new float[ld * cols];
        Arrays.fill(a, GAP);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a[i + j * ld] = transposed ? m[j][i] : m[i][j];
            }
        }
        return a;
    }

    @ParameterizedTest(name = "op(A) {0}, op(B) {1}")
    @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2", "2,0", "2,1", "2,2"})
    void everyTransposeCombinationWithSpareLeadingDimensions(int transa, int transb) {
        // op(A) = A and op(B) = B whatever the op: a transposed op reads A^T stored, so it gets A back.
        int lda = transa == OP_N ? 4 : 5;
        int ldb = transb == OP_N ? 4 : 3;
        float[] a = store(A, transa != OP_N, lda);
        float[] b = store(B, transb != OP_N, ldb);
        // C (ldc 3) = 2 * A*B + 0.5 * [[1, 2], [3, 4]]; row 2 of each column is padding and stays NaN.
        float[] c = {1, 3, GAP, 2, 4, GAP};
        Gemm.sgemm(transa, transb, 2, 2, 3, 2f, a, lda, b, ldb, 0.5f, c, 3);
        assertArrayEquals(new float[]{2 * 58 + 0.5f, 2 * 139 + 1.5f, GAP, 2 * 64 + 1, 2 * 154 + 2}, Arrays.copyOf(c, 5));
        assertTrue(Float.isNaN(c[5]));
    }

    @Test
    void aTallProductWithOneColumn() {
        // [[1, 2], [3, 4], [5, 6]] * [1, -1]^T = [-1, -1, -1]; B given transposed as a 1x2 row with ldb 1.
        float[] a = store(new float[][]{{1, 2}, {3, 4}, {5, 6}}, false, 3);
        float[] c = new float[3];
        Gemm.sgemm(OP_N, OP_T, 3, 1, 2, 1f, a, 3, new float[]{1, -1}, 1, 0f, c, 3);
        assertArrayEquals(new float[]{-1, -1, -1}, c);
    }

    @Test
    void betaZeroNeverReadsCAndAlphaZeroNeverReadsAOrB() {
        float[] c = {GAP, GAP, GAP, GAP};
        Gemm.sgemm(OP_N, OP_N, 2, 2, 3, 1f, store(A, false, 2), 2, store(B, false, 3), 3, 0f, c, 2);
        assertArrayEquals(new float[]{58, 139, 64, 154}, c);
        float[] nans = {GAP, GAP, GAP, GAP, GAP, GAP};
        float[] scaled = {1, 2, 3, 4};
        Gemm.sgemm(OP_N, OP_N, 2, 2, 3, 0f, nans, 2, nans, 3, 3f, scaled, 2);
        assertArrayEquals(new float[]{3, 6, 9, 12}, scaled);
    }

    @Test
    void kZeroScalesCAndAnEmptyCIsLeftAlone() {
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(OP_N, OP_N, 2, 2, 0, Float.POSITIVE_INFINITY, new float[0], 2, new float[0], 1, -1f, c, 2);
        assertArrayEquals(new float[]{-1, -2, -3, -4}, c);
        float[] untouched = {5};
        Gemm.sgemm(OP_N, OP_N, 0, 1, 3, 1f, new float[0], 1, new float[3], 3, 0f, untouched, 1);
        assertArrayEquals(new float[]{5}, untouched);
    }

    @Test
    void invalidArgumentsNameTheRuleTheyBreak() {
        assertNull(Gemm.invalidArguments(OP_N, OP_T, 2, 3, 4, 2, 3, 2));
        assertNull(Gemm.invalidArguments(OP_C, OP_N, 0, 0, 0, 1, 1, 1));
        assertEquals("m, n and k must be >= 0, got m=-1, n=3, k=4", Gemm.invalidArguments(OP_N, OP_N, -1, 3, 4, 2, 4, 2));
        assertEquals("transa and transb must be N (0), T (1) or C (2), got 3, 0", Gemm.invalidArguments(3, OP_N, 2, 3, 4, 4, 4, 2));
        assertEquals("lda=1 < max(1, m) = 2", Gemm.invalidArguments(OP_N, OP_N, 2, 3, 4, 1, 4, 2));
        assertEquals("lda=3 < max(1, k) = 4", Gemm.invalidArguments(OP_T, OP_N, 2, 3, 4, 3, 4, 2));
        assertEquals("lda=0 < max(1, m) = 1", Gemm.invalidArguments(OP_N, OP_N, 0, 3, 4, 0, 4, 1));
        assertEquals("ldb=3 < max(1, k) = 4", Gemm.invalidArguments(OP_N, OP_N, 2, 3, 4, 2, 3, 2));
        assertEquals("ldb=2 < max(1, n) = 3", Gemm.invalidArguments(OP_N, OP_C, 2, 3, 4, 2, 2, 2));
        assertEquals("ldc=1 < max(1, m) = 2", Gemm.invalidArguments(OP_N, OP_N, 2, 3, 4, 2, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(OP_N, OP_N, 2, 3, 4, 1f, new float[8], 1, new float[12], 4, 0f,
                new float[6], 2));
    }

    @Test
    void extentsAreLeadingDimensionTimesColumnsButOneplusRows() {
        assertEquals(4 * 2 + 2, Gemm.extentA(OP_N, 2, 3, 4)); // 2x3 stored with lda 4
        assertEquals(5 * 1 + 3, Gemm.extentA(OP_T, 2, 3, 5)); // 3x2 stored
        assertEquals(4 * 1 + 3, Gemm.extentB(OP_N, 3, 2, 4)); // 3x2 stored
        assertEquals(3 * 2 + 2, Gemm.extentB(OP_C, 3, 2, 3)); // 2x3 stored
        assertEquals(3 + 2, Gemm.extentC(2, 2, 3));
        assertEquals(0, Gemm.extent(0, 5, 1));
        assertEquals(0, Gemm.extent(5, 0, 7));
    }

    @Test
    void arraysShorterThanTheirExtentAreRejected() {
        // A needs 4*2 + 2 = 10 elements with lda 4.
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(OP_N, OP_N, 2, 2, 3, 1f, new float[9], 4, new float[6], 3,
                0f, new float[4], 2));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(OP_N, OP_N, 2, 2, 3, 1f, new float[10], 4, new float[6], 3,
                0f, new float[3], 2));
    }
}
