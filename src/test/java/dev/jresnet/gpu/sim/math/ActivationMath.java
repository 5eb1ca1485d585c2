package dev.jresnet.gpu.sim.math;

/**
 * cudnnActivationForward's math: y = alpha * act(x) + beta * y, element by element, x and y in any layouts of the same
 * dims. In place (x and y the same array and layout) works: each element is read before it is written. cuDNN itself
 * accepts IDENTITY only in cudnnConvolutionBiasActivationForward; refusing it here is the API layer's job.
 */
public final class ActivationMath {
    private ActivationMath() {
    }

    public static void forward(Activation mode, boolean propagateNan, float alpha, float[] x, Strided4d xl, float beta,
                               float[] y, Strided4d yl) {
        if (!xl.sameDims(yl)) {
            throw new IllegalArgumentException("input " + xl.dimsString() + " and output " + yl.dimsString() + " differ");
        }
        xl.requireFits(x, "x");
        yl.requireFits(y, "y");
        for (int n = 0; n < xl.n(); n++) {
            for (int c = 0; c < xl.c(); c++) {
                for (int h = 0; h < xl.h(); h++) {
                    for (int w = 0; w < xl.w(); w++) {
                        float v = mode.apply(x[(int) xl.index(n, c, h, w)], propagateNan);
                        Blend.store(y, (int) yl.index(n, c, h, w), alpha, v, beta);
                    }
                }
            }
        }
    }
}
