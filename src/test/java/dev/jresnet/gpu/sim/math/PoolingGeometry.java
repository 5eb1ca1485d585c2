package dev.jresnet.gpu.sim.math;

/** A 2-d pooling descriptor's window, padding and strides (cudnnSetPooling2dDescriptor). */
public record PoolingGeometry(int windowH, int windowW, int padH, int padW, int strideH, int strideW) {

    public PoolingGeometry {
        if (windowH < 1 || windowW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("window " + windowH + "x" + windowW + ", padding " + padH + ", " + padW
                    + ", strides " + strideH + ", " + strideW + ": windows and strides must be >= 1, padding >= 0");
        }
    }

    /** cuDNN's output size, 1 + (in + 2*pad - window) / stride, the division flooring. */
    public static int outputSize(int in, int pad, int window, int stride) {
        return (int) (1 + Math.floorDiv(in + 2L * pad - window, stride));
    }

    public int outputHeight(int inHeight) {
        return outputSize(inHeight, padH, windowH, strideH);
    }

    public int outputWidth(int inWidth) {
        return outputSize(inWidth, padW, windowW, strideW);
    }
}
