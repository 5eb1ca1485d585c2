package dev.jresnet.model;

/**
 * How large a configured network may be. A model description is user input: without these bounds a few bytes of
 * JSON ("blocks": 2000000000) would build a graph that exhausts the heap, or a dilation whose padding overflows an
 * int. Each bound is far above any published ResNet (resnet152 has 50 blocks and 2048 channels; the CIFAR
 * ResNet-1202 has 600 blocks) and is named in the error that reports it.
 */
public final class ModelLimits {
    /** Residual blocks over all stages. */
    public static final int MAX_BLOCKS = 4096;
    /** Channels of any layer, and input channels. */
    public static final int MAX_CHANNELS = 1 << 16;
    /** Classifier outputs. */
    public static final int MAX_CLASSES = 1 << 20;
    /** Kernel size, stride and dilation of any convolution or pooling. */
    public static final int MAX_WINDOW = 1 << 10;

    private ModelLimits() {
    }

    /** @throws IllegalArgumentException naming {@code option} unless {@code 1 <= value <= max} */
    static void check(String option, long value, long max) {
        if (value < 1) {
            throw new InvalidModelException(option + " must be positive, got " + value);
        }
        if (value > max) {
            throw new InvalidModelException(option + " is " + value + "; jresnet allows at most " + max
                    + " (ModelLimits)");
        }
    }
}
