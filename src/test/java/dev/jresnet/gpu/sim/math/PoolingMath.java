package dev.jresnet.gpu.sim.math;

/**
 * cudnnPoolingForward's math: output (n, c, p, q) pools the window of rows p*strideH - padH + [0, windowH) and columns
 * q*strideW - padW + [0, windowW) of x's channel c, then y = alpha * pooled + beta * y.
 * <ul>
 * <li>MAX takes the largest element inside the input (padding never wins, as if it held -infinity). With NaN
 * propagation any NaN in the window makes the result NaN; without it NaNs are skipped. A window with no element
 * left (all padding, or all NaN and skipped) gives -infinity: cuDNN does not document that case and PyTorch's limit
 * of padding to half the window never builds one.</li>
 * <li>The averages sum the elements inside the input in double and divide once, rounding once to float. A window
 * with no element inside the input averages to 0 under AVERAGE_EXCLUDE_PADDING (0 elements), again a case no
 * document covers.</li>
 * </ul>
 * With cuDNN's floor in the output size every window ends inside the padded input, so AVERAGE_INCLUDE_PADDING
 * always divides by windowH * windowW.
 */
public final class PoolingMath {
    private PoolingMath() {
    }

    public static void forward(PoolingMode mode, boolean propagateNan, PoolingGeometry g, float alpha, float[] x, Strided4d xl,
                               float beta, float[] y, Strided4d yl) {
        int outH = g.outputHeight(xl.h());
        int outW = g.outputWidth(xl.w());
        if (yl.n() != xl.n() || yl.c() != xl.c() || yl.h() != outH || yl.w() != outW) {
            throw new IllegalArgumentException("output " + yl.dimsString() + " should be (" + xl.n() + ", " + xl.c() + ", "
                    + outH + ", " + outW + ") for input " + xl.dimsString() + " and " + g);
        }
        xl.requireFits(x, "x");
        yl.requireFits(y, "y");
        for (int n = 0; n < yl.n(); n++) {
            for (int c = 0; c < yl.c(); c++) {
                for (int p = 0; p < outH; p++) {
                    int top = p * g.strideH() - g.padH();
                    int h0 = Math.max(0, top);
                    int h1 = Math.min(xl.h(), top + g.windowH());
                    for (int q = 0; q < outW; q++) {
                        int left = q * g.strideW() - g.padW();
                        int w0 = Math.max(0, left);
                        int w1 = Math.min(xl.w(), left + g.windowW());
                        float pooled = mode == PoolingMode.MAX
                                ? max(x, xl, n, c, h0, h1, w0, w1, propagateNan)
                                : average(x, xl, n, c, h0, h1, w0, w1,
                                        mode == PoolingMode.AVERAGE_INCLUDE_PADDING ? g.windowH() * g.windowW()
                                                : Math.max(0, h1 - h0) * Math.max(0, w1 - w0));
                        Blend.store(y, (int) yl.index(n, c, p, q), alpha, pooled, beta);
                    }
                }
            }
        }
    }

    private static float max(float[] x, Strided4d xl, int n, int c, int h0, int h1, int w0, int w1, boolean propagateNan) {
        float best = Float.NEGATIVE_INFINITY;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
                float v = x[(int) xl.index(n, c, h, w)];
                if (Float.isNaN(v)) {
                    if (propagateNan) {
                        return v;
                    }
                } else if (v > best) {
                    best = v;
                }
            }
        }
        return best;
    }

    private static float average(float[] x, Strided4d xl, int n, int c, int h0, int h1, int w0, int w1, int divisor) {
        if (divisor == 0) {
            return 0f;
        }
        double sum = 0;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
                sum += x[(int) xl.index(n, c, h, w)];
            }
        }
        return (float) (sum / divisor);
    }
}
