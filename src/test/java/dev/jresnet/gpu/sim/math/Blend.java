package dev.jresnet.gpu.sim.math;

/**
 * The scaling that ends every cuDNN forward call and cuBLAS GEMM: y = alpha * result + beta * yOld. When beta is 0
 * yOld is not read at all (cuDNN's and cuBLAS's documented rule), so whatever the output held before (NaN, infinity,
 * uninitialised memory) cannot reach the result. Computed in double and rounded once to float: the products of
 * floats are exact in double, so this is the blend's value with (nearly always) a single rounding.
 */
public final class Blend {
    private Blend() {
    }

    /** y[index] = alpha * result + beta * y[index], without reading y[index] when beta is 0. */
    public static void store(float[] y, int index, float alpha, float result, float beta) {
        if (beta == 0f) {
            y[index] = alpha * result;
        } else {
            y[index] = (float) ((double) alpha * result + (double) beta * y[index]);
        }
    }

    /** Blends a whole tensor of results into y: y = alpha * result + beta * y, element by element. */
    public static void into(float alpha, float[] result, Strided4d rl, float beta, float[] y, Strided4d yl) {
        if (!rl.sameDims(yl)) {
            throw new IllegalArgumentException("result " + rl.dimsString() + " and output " + yl.dimsString() + " differ");
        }
        rl.requireFits(result, "result");
        yl.requireFits(y, "y");
        for (int n = 0; n < yl.n(); n++) {
            for (int c = 0; c < yl.c(); c++) {
                for (int h = 0; h < yl.h(); h++) {
                    for (int w = 0; w < yl.w(); w++) {
                        store(y, (int) yl.index(n, c, h, w), alpha, result[(int) rl.index(n, c, h, w)], beta);
                    }
                }
            }
        }
    }
}
