package dev.jresnet.gpu.sim.math;

import java.util.stream.IntStream;

/**
 * cublasSgemm's math, column-major: C = alpha * op(A) * op(B) + beta * C, op(A) m x k, op(B) k x n, C m x n. Element
 * (i, j) of a column-major matrix with leading dimension ld is at i + j*ld. op is OP_N (as stored), OP_T (transposed)
 * or OP_C (conjugate transpose, the same as OP_T for real numbers); the values are cublasOperation_t's.
 * <p>
 * Each dot product is summed in double (products of floats are exact there), rounded to float, then blended by
 * {@link Blend}: beta == 0 leaves C unread. As in the reference BLAS, alpha == 0 or k == 0 leaves A and B unread
 * (the product counts as 0), so NaNs in them do not reach C. m == 0 or n == 0 does nothing.
 */
public final class Gemm {
    public static final int OP_N = 0;
    public static final int OP_T = 1;
    public static final int OP_C = 2;

    private Gemm() {
    }

    /**
     * null when cublasSgemm accepts these arguments, otherwise which of its CUBLAS_STATUS_INVALID_VALUE rules they
     * break: m, n or k negative; an op other than N, T or C; lda &lt; max(1, m) for OP_N A (max(1, k) otherwise);
     * ldb &lt; max(1, k) for OP_N B (max(1, n) otherwise); ldc &lt; max(1, m).
     */
    public static String invalidArguments(int transa, int transb, int m, int n, int k, int lda, int ldb, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            return "m, n and k must be >= 0, got m=" + m + ", n=" + n + ", k=" + k;
        }
        if (!isOp(transa) || !isOp(transb)) {
            return "transa and transb must be N (0), T (1) or C (2), got " + transa + ", " + transb;
        }
        int ldaMin = Math.max(1, transa == OP_N ? m : k);
        if (lda < ldaMin) {
            return "lda=" + lda + " < max(1, " + (transa == OP_N ? "m" : "k") + ") = " + ldaMin;
        }
        int ldbMin = Math.max(1, transb == OP_N ? k : n);
        if (ldb < ldbMin) {
            return "ldb=" + ldb + " < max(1, " + (transb == OP_N ? "k" : "n") + ") = " + ldbMin;
        }
        if (ldc < Math.max(1, m)) {
            return "ldc=" + ldc + " < max(1, m) = " + Math.max(1, m);
        }
        return null;
    }

    private static boolean isOp(int op) {
        return op == OP_N || op == OP_T || op == OP_C;
    }

    /** Elements a column-major rows x cols matrix with leading dimension ld spans: ld*(cols-1) + rows, 0 if empty. */
    public static long extent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) ld * (cols - 1) + rows;
    }

    /** A's extent: stored m x k for OP_N, k x m otherwise. */
    public static long extentA(int transa, int m, int k, int lda) {
        return transa == OP_N ? extent(m, k, lda) : extent(k, m, lda);
    }

    /** B's extent: stored k x n for OP_N, n x k otherwise. */
    public static long extentB(int transb, int k, int n, int ldb) {
        return transb == OP_N ? extent(k, n, ldb) : extent(n, k, ldb);
    }

    public static long extentC(int m, int n, int ldc) {
        return extent(m, n, ldc);
    }

    public static void sgemm(int transa, int transb, int m, int n, int k, float alpha, float[] a, int lda, float[] b,
                             int ldb, float beta, float[] c, int ldc) {
        String invalid = invalidArguments(transa, transb, m, n, k, lda, ldb, ldc);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        boolean readsAB = alpha != 0f && k > 0;
        requireLength(readsAB ? extentA(transa, m, k, lda) : 0, a, "A");
        requireLength(readsAB ? extentB(transb, k, n, ldb) : 0, b, "B");
        requireLength(extentC(m, n, ldc), c, "C");
        // A(i, l) = a[i*rowStep + l*colStep]; for OP_N that is i + l*lda, transposed l + i*lda. Likewise B(l, j).
        long aRowStep = transa == OP_N ? 1 : lda;
        long aColStep = transa == OP_N ? lda : 1;
        long bRowStep = transb == OP_N ? 1 : ldb;
        long bColStep = transb == OP_N ? ldb : 1;
        float scale = readsAB ? alpha : 0f; // k == 0 with an infinite alpha still leaves beta * C, not NaN
        IntStream.range(0, n).parallel().forEach(j -> {
            for (int i = 0; i < m; i++) {
                double sum = 0;
                if (readsAB) {
                    for (int l = 0; l < k; l++) {
                        sum += (double) a[(int) (i * aRowStep + l * aColStep)] * b[(int) (l * bRowStep + j * bColStep)];
                    }
                }
                Blend.store(c, (int) (i + (long) j * ldc), scale, (float) sum, beta);
            }
        });
    }

    private static void requireLength(long needed, float[] array, String what) {
        if (needed > array.length) {
            throw new IllegalArgumentException(what + " needs " + needed + " elements, the array holds " + array.length);
        }
    }
}
