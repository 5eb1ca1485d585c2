package dev.jresnet.weights;

import java.util.Arrays;
import java.util.Optional;

/** Element types of stored tensors, with safetensors' names. Floating types convert to float32 on use. */
public enum DType {
    F32("F32", 4, true),
    F16("F16", 2, true),
    BF16("BF16", 2, true),
    /** Only for integer buffers such as BatchNorm's num_batches_tracked, which inference never reads. */
    I64("I64", 8, false);

    private final String safetensorsName;
    private final int bytes;
    private final boolean floating;

    DType(String safetensorsName, int bytes, boolean floating) {
        this.safetensorsName = safetensorsName;
        this.bytes = bytes;
        this.floating = floating;
    }

    public String safetensorsName() {
        return safetensorsName;
    }

    public int bytes() {
        return bytes;
    }

    public boolean floating() {
        return floating;
    }

    public static Optional<DType> fromSafetensorsName(String name) {
        return Arrays.stream(values()).filter(d -> d.safetensorsName.equals(name)).findFirst();
    }
}
