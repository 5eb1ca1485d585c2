package dev.jresnet.gpu.sim.math;

/**
 * The activation modes jresnet uses (cudnnActivationMode_t): CUDNN_ACTIVATION_RELU and CUDNN_ACTIVATION_IDENTITY.
 * NaN handling follows cudnnNanPropagation_t: propagated, a NaN input gives NaN; not propagated, ReLU takes the
 * maximum of x and 0 the way fmaxf does, ignoring the NaN, so it gives 0.
 */
public enum Activation {
    RELU {
        @Override
        public float apply(float v, boolean propagateNan) {
            if (Float.isNaN(v)) {
                return propagateNan ? v : 0f;
            }
            return v > 0f ? v : 0f;
        }
    },
    IDENTITY {
        @Override
        public float apply(float v, boolean propagateNan) {
            return v;
        }
    };

    public abstract float apply(float v, boolean propagateNan);
}
