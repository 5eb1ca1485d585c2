package dev.jresnet.plan;

import dev.jresnet.tensor.BFloat16;
import dev.jresnet.tensor.Float16;

import java.util.Locale;

/**
 * The arithmetic a plan is run in, with the bar each is held to against torchvision fp32 (relative L2 over the
 * logits, ../shared/DESIGN.md's numerics).
 */
public enum Precision {
    /** IEEE float32 storage and arithmetic (on the GPU: TF32 off). */
    FP32(1e-5),
    /** float32 storage, convolutions and the classifier on tensor cores with 10-bit-mantissa inputs: a GPU mode only. */
    TF32(5e-3),
    /**
     * binary16 weights (rounded once, after BatchNorm folding) and activations (rounded at every op's output),
     * float32 accumulation inside each op: the numerics of cuDNN's fp16 convolutions with fp32 compute.
     */
    FP16(2e-2),
    /** As {@link #FP16} with bfloat16 storage (8-bit mantissas, float32's exponent range). */
    BF16(2e-2);

    private final double tolerance;

    Precision(double tolerance) {
        this.tolerance = tolerance;
    }

    /** The largest relative L2 distance from torchvision fp32 that this precision is allowed. */
    public double tolerance() {
        return tolerance;
    }

    /** "fp32", "tf32", "fp16", "bf16": the names the command line and reports use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Weights and activations held in 16 bits (fp16, bf16); fp32 and tf32 store float32. */
    public boolean sixteenBitStorage() {
        return this == FP16 || this == BF16;
    }

    /** Rounds {@code count} values from {@code offset} in place to what this precision stores (float32: unchanged). */
    public void roundStorage(float[] values, int offset, int count) {
        if (this == FP16) {
            Float16.roundInPlace(values, offset, count);
        } else if (this == BF16) {
            BFloat16.roundInPlace(values, offset, count);
        }
    }
}
