package dev.jresnet.model;

/** An average pooling window with PyTorch's AvgPool2d semantics (no divisor override). */
public record AvgPoolSpec(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
    public AvgPoolSpec {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new InvalidModelException("invalid average pooling " + this);
        }
        if (2 * padding > kernel) {
            throw new InvalidModelException("pool padding " + padding + " must be at most half the kernel " + kernel);
        }
    }

    public Shape outputShape(Shape input) {
        return new Shape(input.channels(),
                PoolSpec.outputSize(input.height(), kernel, stride, padding, 1, ceilMode, "height"),
                PoolSpec.outputSize(input.width(), kernel, stride, padding, 1, ceilMode, "width"));
    }
}
