package dev.jresnet;

import java.util.Locale;

/**
 * Where a {@link ResNetModel} runs: {@code cpu}, {@code gpu} (the first GPU), {@code gpu:N}, or {@code auto} (the
 * first GPU when one is usable, else the CPU; the choice and its reason are logged).
 *
 * @param kind  what was asked for
 * @param index the GPU's number (CUDA's numbering) for {@link Kind#GPU}; 0 otherwise
 */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, GPU, AUTO }

    public static final Device CPU = new Device(Kind.CPU, 0);
    public static final Device AUTO = new Device(Kind.AUTO, 0);

    public Device {
        if (index < 0) {
            throw new InvalidOptionException("a GPU number must be 0 or more, got " + index);
        }
    }

    public static Device gpu(int index) {
        return new Device(Kind.GPU, index);
    }

    /** "cpu", "gpu", "gpu:N" or "auto" (any case). */
    public static Device parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        } else if (t.equals("auto")) {
            return AUTO;
        } else if (t.equals("gpu")) {
            return gpu(0);
        } else if (t.startsWith("gpu:")) {
            try {
                return gpu(Integer.parseInt(t.substring(4)));
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new InvalidOptionException("device '" + text + "' is not one of cpu, gpu, gpu:N (N a GPU number) or auto");
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
