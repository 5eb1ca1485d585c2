package dev.jresnet.weights;

import java.util.List;

/** Weights that do not fit an architecture: every missing, unexpected and mis-shaped key, in one message. */
public class WeightsMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misShaped;

    public WeightsMismatchException(String source, String model, List<String> missing, List<String> unexpected,
                                    List<String> misShaped) {
        super(message(source, model, missing, unexpected, misShaped));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misShaped = List.copyOf(misShaped);
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> misShaped() {
        return misShaped;
    }

    private static String message(String source, String model, List<String> missing, List<String> unexpected,
                                  List<String> misShaped) {
        StringBuilder m = new StringBuilder(source + ": weights do not match " + model + ":");
        section(m, "missing", missing);
        section(m, "unexpected", unexpected);
        section(m, "wrong shape", misShaped);
        return m.toString();
    }

    private static void section(StringBuilder m, String title, List<String> keys) {
        if (!keys.isEmpty()) {
            m.append("\n  ").append(keys.size()).append(' ').append(title).append(": ").append(String.join(", ", keys));
        }
    }
}
