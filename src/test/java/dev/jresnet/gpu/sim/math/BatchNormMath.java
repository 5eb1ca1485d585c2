package dev.jresnet.gpu.sim.math;

/**
 * cudnnBatchNormalizationForwardInference in CUDNN_BATCHNORM_SPATIAL mode: per channel c,
 * y = alpha * (scale[c] * (x - mean[c]) / sqrt(var[c] + epsilon) + bias[c]) + beta * y.
 * The normalisation is evaluated in double from the float inputs and rounded once to float, so it is the formula's
 * value to within half an ulp; the CPU path's reference folds it into a float multiply-add (scale and shift computed
 * in double), which can differ from this by an ulp or two, as cuDNN's own float evaluation can.
 * scale, bias, mean and variance hold one value per channel (the (1, C, 1, 1) descriptor's data, packed).
 */
public final class BatchNormMath {
    private BatchNormMath() {
    }

    public static void forwardInference(float alpha, float[] x, Strided4d xl, float beta, float[] y, Strided4d yl,
                                        float[] scale, float[] bias, float[] mean, float[] variance, double epsilon) {
        if (!xl.sameDims(yl)) {
            throw new IllegalArgumentException("input " + xl.dimsString() + " and output " + yl.dimsString() + " differ");
        }
        int channels = xl.c();
        if (scale.length < channels || bias.length < channels || mean.length < channels || variance.length < channels) {
            throw new IllegalArgumentException("scale, bias, mean and variance need " + channels + " values each, have "
                    + scale.length + ", " + bias.length + ", " + mean.length + ", " + variance.length);
        }
        xl.requireFits(x, "x");
        yl.requireFits(y, "y");
        for (int c = 0; c < channels; c++) {
            double invStd = 1.0 / Math.sqrt(variance[c] + epsilon);
            for (int n = 0; n < xl.n(); n++) {
                for (int h = 0; h < xl.h(); h++) {
                    for (int w = 0; w < xl.w(); w++) {
                        double normalized = ((double) x[(int) xl.index(n, c, h, w)] - mean[c]) * invStd;
                        float v = (float) (scale[c] * normalized + bias[c]);
                        Blend.store(y, (int) yl.index(n, c, h, w), alpha, v, beta);
                    }
                }
            }
        }
    }
}
