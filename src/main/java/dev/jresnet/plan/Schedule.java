package dev.jresnet.plan;

import java.util.Locale;

/**
 * Which plan a network runs, on either device: the words {@code --schedule}, the bench's backend names and
 * {@code ResNetModel.Builder.schedule} share.
 */
public enum Schedule {
    /**
     * Every BatchNorm and activation its own op (on the GPU: convolution, cuDNN BatchNorm inference, cuDNN activation,
     * our add+ReLU kernel): the check that folding and fusing change nothing.
     */
    REFERENCE(PlannerOptions.REFERENCE),
    /**
     * BatchNorm folded into the convolutions, residual and ReLU fused into them (on the GPU: one
     * cudnnConvolutionBiasActivationForward each). The default.
     */
    FUSED(PlannerOptions.FUSED);

    private final PlannerOptions plannerOptions;

    Schedule(PlannerOptions plannerOptions) {
        this.plannerOptions = plannerOptions;
    }

    public PlannerOptions plannerOptions() {
        return plannerOptions;
    }

    /** "fused", "reference": the names the command line, bench backends and reports use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
