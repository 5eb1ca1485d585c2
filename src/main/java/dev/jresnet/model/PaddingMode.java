package dev.jresnet.model;

/** PyTorch's Conv2d padding_mode values, and F.pad's modes that they map to. */
public enum PaddingMode {
    ZEROS("zeros"), REFLECT("reflect"), REPLICATE("replicate"), CIRCULAR("circular");

    private final String pytorchName;

    PaddingMode(String pytorchName) {
        this.pytorchName = pytorchName;
    }

    public String pytorchName() {
        return pytorchName;
    }

    public static PaddingMode fromPytorchName(String name) {
        for (PaddingMode m : values()) {
            if (m.pytorchName.equals(name)) {
                return m;
            }
        }
        throw new InvalidModelException("padding_mode '" + name + "' is not one of zeros, reflect, replicate, circular");
    }
}
