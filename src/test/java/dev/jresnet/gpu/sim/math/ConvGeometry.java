package dev.jresnet.gpu.sim.math;

/**
 * A 2-d convolution descriptor's settings (cudnnSetConvolution2dDescriptor plus cudnnSetConvolutionGroupCount):
 * zero padding, strides and dilations per spatial dimension, the group count, and the mode. crossCorrelation true
 * is CUDNN_CROSS_CORRELATION (PyTorch's Conv2d: the filter is used as stored); false is CUDNN_CONVOLUTION, which
 * flips the filter in both spatial dimensions (a true convolution).
 */
public record ConvGeometry(int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, int groups,
                           boolean crossCorrelation) {

    public ConvGeometry {
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("negative padding " + padH + ", " + padW);
        }
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
            throw new IllegalArgumentException("strides, dilations and groups must be >= 1: strides " + strideH + ", "
                    + strideW + ", dilations " + dilationH + ", " + dilationW + ", groups " + groups);
        }
    }

    /** Cross-correlation with the same padding, stride and dilation in both dimensions. */
    public static ConvGeometry square(int pad, int stride, int dilation, int groups) {
        return new ConvGeometry(pad, pad, stride, stride, dilation, dilation, groups, true);
    }

    /**
     * cuDNN's output size, 1 + (in + 2*pad - ((kernel - 1) * dilation + 1)) / stride. The division floors
     * (Math.floorDiv), so a dilated kernel wider than the padded input gives 0 or less rather than 1.
     */
    public static int outputSize(int in, int pad, int kernel, int dilation, int stride) {
        long span = (long) (kernel - 1) * dilation + 1;
        return (int) (1 + Math.floorDiv(in + 2L * pad - span, stride));
    }

    public int outputHeight(int inHeight, int kernelHeight) {
        return outputSize(inHeight, padH, kernelHeight, dilationH, strideH);
    }

    public int outputWidth(int inWidth, int kernelWidth) {
        return outputSize(inWidth, padW, kernelWidth, dilationW, strideW);
    }
}
