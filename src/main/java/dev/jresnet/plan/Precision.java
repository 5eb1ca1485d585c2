package dev.jresnet.plan;

import java.util.Locale;

/**
 * The arithmetic a plan is run in, with the bar each is held to against the CPU fp32 reference (relative L2 over the
 * logits, ../shared/DESIGN.md's numerics).
 */
public enum Precision {
    /** IEEE float32 storage and arithmetic (on the GPU: TF32 off). */
    FP32(1e-5),
    /** float32 storage, convolutions on tensor cores with 10-bit-mantissa inputs: a GPU mode only. */
    TF32(5e-3),
    /**
     * binary16 weights (rounded once, after BatchNorm folding) and activations (rounded at every op's output),
     * float32 accumulation inside each op: the numerics of cuDNN's fp16 convolutions with fp32 compute.
     */
    FP16(2e-2);

    private final double tolerance;

    Precision(double tolerance) {
        this.tolerance = tolerance;
    }

    /** The largest relative L2 distance from the CPU fp32 reference that this precision is allowed. */
    public double tolerance() {
        return tolerance;
    }

    /** "fp32", "tf32", "fp16": the names the command line and reports use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
