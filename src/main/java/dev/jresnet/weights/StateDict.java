package dev.jresnet.weights;

import dev.jresnet.model.Graph;
import dev.jresnet.model.ParameterSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Named tensors in insertion order, keyed exactly as PyTorch's state_dict (conv1.weight, layer1.0.bn1.running_var, ...). */
public final class StateDict {
    private final Map<String, TensorData> tensors = new LinkedHashMap<>();

    public StateDict put(String key, TensorData tensor) {
        tensors.put(key, tensor);
        return this;
    }

    public Optional<TensorData> get(String key) {
        return Optional.ofNullable(tensors.get(key));
    }

    /** The named tensor as float32; fails naming the key when it is absent. */
    public float[] floats(String key) {
        TensorData t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + key + "' in the state_dict");
        }
        return t.toFloats();
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public Map<String, TensorData> entries() {
        return Collections.unmodifiableMap(tensors);
    }

    public int size() {
        return tensors.size();
    }

    /** The entries a graph reads (a sub-graph, such as the features without the classifier, reads fewer). */
    public StateDict selectFor(Graph graph) {
        StateDict out = new StateDict();
        for (ParameterSpec p : graph.parameters()) {
            TensorData t = tensors.get(p.key());
            if (t != null) {
                out.put(p.key(), t);
            }
        }
        return out;
    }

    /** A copy in which every floating tensor is stored as {@code dtype}; integer tensors are kept. */
    public StateDict convertFloatsTo(DType dtype) {
        StateDict out = new StateDict();
        tensors.forEach((k, t) -> out.put(k, t.dtype().floating() ? t.convertTo(dtype) : t));
        return out;
    }
}
