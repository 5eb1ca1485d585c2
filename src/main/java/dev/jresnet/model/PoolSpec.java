package dev.jresnet.model;

/** A max pooling window with PyTorch's MaxPool2d semantics (padding counts as -infinity). */
public record PoolSpec(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
    public PoolSpec {
        if (kernel < 1 || stride < 1 || padding < 0 || dilation < 1) {
            throw new InvalidModelException("invalid pooling " + this);
        }
        if (2 * padding > kernel) {
            throw new InvalidModelException("pool padding " + padding + " must be at most half the kernel " + kernel);
        }
    }

    public Shape outputShape(Shape input) {
        return new Shape(input.channels(),
                outputSize(input.height(), kernel, stride, padding, dilation, ceilMode, "height"),
                outputSize(input.width(), kernel, stride, padding, dilation, ceilMode, "width"));
    }

    /**
     * PyTorch's output size for a sliding window: floor (or ceil) of (in + 2p - d(k-1) - 1) / s, plus one; with
     * ceil mode the last window must start inside the input or its left padding.
     */
    static int outputSize(int in, int kernel, int stride, int padding, int dilation, boolean ceil, String axis) {
        long span = (long) in + 2L * padding - (long) dilation * (kernel - 1) - 1;
        if (span < 0) {
            throw new InvalidModelException("input " + axis + " " + in + " is smaller than the window ("
                    + "kernel " + kernel + ", dilation " + dilation + ", padding " + padding + ")");
        }
        long out = (ceil ? Math.floorDiv(span + stride - 1, stride) : span / stride) + 1;
        if (ceil && (out - 1) * stride >= in + padding) {
            out--;
        }
        return (int) out;
    }
}
