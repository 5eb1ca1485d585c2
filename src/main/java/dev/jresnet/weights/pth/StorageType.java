package dev.jresnet.weights.pth;

import dev.jresnet.weights.DType;

import java.util.Optional;

/** The torch storage classes a weights file may name, with the element type they hold. */
enum StorageType {
    FLOAT("FloatStorage", DType.F32),
    HALF("HalfStorage", DType.F16),
    BFLOAT16("BFloat16Storage", DType.BF16),
    LONG("LongStorage", DType.I64);

    final String className;
    final DType dtype;

    StorageType(String className, DType dtype) {
        this.className = className;
        this.dtype = dtype;
    }

    static Optional<StorageType> forClass(String name) {
        for (StorageType t : values()) {
            if (t.className.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
