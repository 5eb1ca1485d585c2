package dev.jresnet.plan;

import java.util.Objects;

/**
 * Which graph passes the planner runs. {@link #FUSED} is the default for both executors; {@link #REFERENCE} keeps
 * every BatchNorm and activation as its own op (the GPU's reference schedule, and the "no folding" parity check).
 *
 * @param foldBatchNorm    fold an inference BatchNorm into the preceding convolution's weight and bias
 * @param fuseConvRelu     apply a ReLU that only reads a convolution inside that convolution
 * @param fuseConvResidual let a convolution add the residual (and its ReLU) before writing its output
 * @param fuseAddRelu      apply a ReLU that only reads a residual add inside the add
 * @param precision        the arithmetic the plan is for; {@link Precision#FP16} rounds its weights to binary16
 */
public record PlannerOptions(boolean foldBatchNorm, boolean fuseConvRelu, boolean fuseConvResidual, boolean fuseAddRelu,
                             Precision precision) {
    public static final PlannerOptions FUSED = new PlannerOptions(true, true, true, true);
    public static final PlannerOptions REFERENCE = new PlannerOptions(false, false, false, true);
    public static final PlannerOptions UNOPTIMIZED = new PlannerOptions(false, false, false, false);

    /** fp32 options. */
    public PlannerOptions(boolean foldBatchNorm, boolean fuseConvRelu, boolean fuseConvResidual, boolean fuseAddRelu) {
        this(foldBatchNorm, fuseConvRelu, fuseConvResidual, fuseAddRelu, Precision.FP32);
    }

    public PlannerOptions {
        Objects.requireNonNull(precision, "precision");
    }

    public PlannerOptions withPrecision(Precision p) {
        return new PlannerOptions(foldBatchNorm, fuseConvRelu, fuseConvResidual, fuseAddRelu, p);
    }
}
