package dev.jresnet.gpu;

import dev.jresnet.plan.PlannerOptions;

/** How the GPU runs a network: which plan, and so which cuDNN calls. */
public enum Schedule {
    /** conv -> cuDNN BatchNorm inference -> cuDNN activation -> our add+ReLU kernel; classifier by cuBLAS. */
    REFERENCE(PlannerOptions.REFERENCE),
    /** BatchNorm folded; conv + bias + residual + ReLU in one cudnnConvolutionBiasActivationForward. The default. */
    FUSED(PlannerOptions.FUSED);

    private final PlannerOptions plannerOptions;

    Schedule(PlannerOptions plannerOptions) {
        this.plannerOptions = plannerOptions;
    }

    public PlannerOptions plannerOptions() {
        return plannerOptions;
    }
}
