package dev.jresnet.weights;

import dev.jresnet.model.Graph;
import dev.jresnet.model.ParameterSpec;
import dev.jresnet.model.ResNetConfig;

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
            throw new WeightsMismatchException(source, graph.name(), missing, unexpected, misShaped,
                    lookAlike(weights, graph.name()));
        }
    }

    /** Whether a state_dict has exactly what a graph reads. */
    private static boolean fits(Graph graph, StateDict weights) {
        Set<String> expected = new HashSet<>();
        for (ParameterSpec p : graph.parameters()) {
            expected.add(p.key());
            TensorData t = weights.get(p.key()).orElse(null);
            if (t == null ? !p.role().optional() : !t.hasShape(p.shape()) && !(p.role().optional() && t.elements() == 1)) {
                return false;
            }
        }
        return weights.keys().stream().allMatch(expected::contains);
    }

    /**
     * The torchvision architecture these weights are for, when one fits them exactly (taking its class count and
     * input channels from the weights), said as the option that would load them; "" when none does.
     */
    static String lookAlike(StateDict weights, String asked) {
        int classes = weights.get("fc.weight").map(t -> t.shape().length == 2 ? t.shape()[0] : 0).orElse(0);
        int channels = weights.get("conv1.weight").map(t -> t.shape().length == 4 ? t.shape()[1] : 0).orElse(0);
        if (classes < 1 || channels < 1) {
            return "";
        }
        for (String name : ResNetConfig.names()) {
            if (name.equals(asked)) {
                continue;
            }
            ResNetConfig candidate = ResNetConfig.named(name).withNumClasses(classes).withInChannels(channels);
            if (fits(candidate.graph(), weights)) {
                return "they look like " + name + "'s: --arch " + name + (classes != 1000 ? " --num-classes " + classes : "")
                        + (channels != 3 ? " --in-channels " + channels : "");
            }
        }
        return "";
    }
}
