package dev.jresnet.model;

/** A 2-D convolution's geometry, with PyTorch's meaning for every field (weight shape: out, in/groups, kH, kW). */
public record ConvSpec(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                       int padH, int padW, int dilationH, int dilationW, int groups, boolean bias) {
    public ConvSpec {
        if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0 || dilationH < 1 || dilationW < 1 || groups < 1) {
            throw new InvalidModelException("invalid convolution " + this);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new InvalidModelException("groups=" + groups + " must divide in_channels=" + inChannels
                    + " and out_channels=" + outChannels);
        }
    }

    /** A square kernel with the same stride, padding and dilation in both directions. */
    public static ConvSpec square(int in, int out, int kernel, int stride, int padding, int dilation, int groups,
                                  boolean bias) {
        return new ConvSpec(in, out, kernel, kernel, stride, stride, padding, padding, dilation, dilation, groups, bias);
    }

    /** The same convolution with no implicit padding (after an explicit padding op). */
    public ConvSpec withoutPadding() {
        return new ConvSpec(inChannels, outChannels, kernelH, kernelW, strideH, strideW, 0, 0, dilationH, dilationW, groups, bias);
    }

    public int[] weightShape() {
        return new int[]{outChannels, inChannels / groups, kernelH, kernelW};
    }

    public Shape outputShape(Shape input) {
        if (input.channels() != inChannels) {
            throw new InvalidModelException("convolution expects " + inChannels + " input channels, got " + input);
        }
        return new Shape(outChannels,
                PoolSpec.outputSize(input.height(), kernelH, strideH, padH, dilationH, false, "height"),
                PoolSpec.outputSize(input.width(), kernelW, strideW, padW, dilationW, false, "width"));
    }

    /** Multiply-accumulates per sample for an input of this shape. */
    public long macs(Shape output) {
        return output.elements() * (inChannels / groups) * kernelH * kernelW;
    }
}
