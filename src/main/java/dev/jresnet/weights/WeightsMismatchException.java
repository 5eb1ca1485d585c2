package dev.jresnet.weights;

import dev.jresnet.InputException;

import java.util.ArrayList;
import java.util.List;

/** Weights that do not fit an architecture: every missing, unexpected and mis-shaped key, in one message. */
public class WeightsMismatchException extends InputException {
    private static final long serialVersionUID = 1L;

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misShaped;

    /** @param hint what the weights look like instead ("they look like resnet18's: --arch resnet18"), or "" */
    public WeightsMismatchException(String source, String model, List<String> missing, List<String> unexpected,
                                    List<String> misShaped, String hint) {
        super(message(source, model, missing, unexpected, misShaped, hint));
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

    /** At most this many keys are named per kind of problem: the lists themselves are kept whole. */
    private static final int SHOWN = 8;

    /** One line: the hint first, then each kind of problem with its first keys. */
    private static String message(String source, String model, List<String> missing, List<String> unexpected,
                                  List<String> misShaped, String hint) {
        StringBuilder m = new StringBuilder(source + ": weights do not match " + model);
        if (!hint.isEmpty()) {
            m.append("; ").append(hint);
        }
        List<String> parts = new ArrayList<>();
        part(parts, "missing", missing);
        part(parts, "unexpected", unexpected);
        part(parts, "wrong shape", misShaped);
        return m.append(" (").append(String.join("; ", parts)).append(')').toString();
    }

    private static void part(List<String> parts, String title, List<String> keys) {
        if (!keys.isEmpty()) {
            parts.add(keys.size() + " " + title + ": " + String.join(", ", keys.subList(0, Math.min(SHOWN, keys.size())))
                    + (keys.size() > SHOWN ? " and " + (keys.size() - SHOWN) + " more" : ""));
        }
    }
}
