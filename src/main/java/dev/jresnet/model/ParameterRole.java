package dev.jresnet.model;

/** What a state_dict entry is for; decides its initialisation and whether it counts as a learned parameter. */
public enum ParameterRole {
    CONV_WEIGHT, CONV_BIAS,
    BN_WEIGHT, BN_BIAS, BN_RUNNING_MEAN, BN_RUNNING_VAR, BN_NUM_BATCHES_TRACKED,
    LINEAR_WEIGHT, LINEAR_BIAS;

    /** Learned parameters, as counted by sum(p.numel() for p in model.parameters()); running statistics are buffers. */
    public boolean learned() {
        return switch (this) {
            case BN_RUNNING_MEAN, BN_RUNNING_VAR, BN_NUM_BATCHES_TRACKED -> false;
            default -> true;
        };
    }

    /** Everything but the integer step counter is stored as floating point. */
    public boolean floatingPoint() {
        return this != BN_NUM_BATCHES_TRACKED;
    }

    /** Entries a checkpoint may leave out: the BN step counter has no effect on inference. */
    public boolean optional() {
        return this == BN_NUM_BATCHES_TRACKED;
    }
}
