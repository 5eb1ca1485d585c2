package dev.jresnet.model;

import java.util.Arrays;

/**
 * One state_dict entry a layer expects: its key, shape and role, and the fan-in/fan-out PyTorch's initialisers
 * use for it (for a convolution, fan_in = in/groups * kH * kW and fan_out = out * kH * kW).
 */
public record ParameterSpec(String key, int[] shape, ParameterRole role, int fanIn, int fanOut) {
    public long elements() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return key + Arrays.toString(shape);
    }
}
