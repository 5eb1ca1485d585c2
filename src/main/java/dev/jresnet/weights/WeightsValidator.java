package dev.jresnet.weights;

import dev.jresnet.model.Graph;
import dev.jresnet.model.ParameterSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a state_dict against what a graph reads, and reports every problem at once. */
public final class WeightsValidator {
    private WeightsValidator() {
    }

    /**
     * @param source where the weights came from (a file name), for the message
     * @throws WeightsMismatchException listing every missing, unexpected and mis-shaped key, and every non-float
     *                                  tensor where a float one is needed
     */
    public static void check(Graph graph, StateDict weights, String source) {
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (ParameterSpec p : graph.parameters()) {
            expected.add(p.key());
            TensorData t = weights.get(p.key()).orElse(null);
            if (t == null) {
                if (!p.role().optional()) {
                    missing.add(p.key());
                }
            } else if (!t.hasShape(p.shape()) && !(p.role().optional() && t.elements() == 1)) {
                misShaped.add(p.key() + " is " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(p.shape()));
            } else if (!p.role().optional() && !t.dtype().floating()) {
                misShaped.add(p.key() + " is " + t.dtype() + ", expected a floating type");
            }
        }
        List<String> unexpected = weights.keys().stream().filter(k -> !expected.contains(k)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            throw new WeightsMismatchException(source, graph.name(), missing, unexpected, misShaped);
        }
    }
}
