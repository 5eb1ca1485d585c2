package dev.jresnet.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A network as data: nodes in execution order over numbered values, value 0 being the input batch. A graph holds no
 * weights and no spatial sizes; {@link #shapes(Shape)} infers every value's shape for a given input.
 */
public final class Graph {
    private final String name;
    private final int inputChannels;
    private final List<Node> nodes;
    private final int output;
    private final int valueCount;

    Graph(String name, int inputChannels, List<Node> nodes, int output, int valueCount) {
        this.name = name;
        this.inputChannels = inputChannels;
        this.nodes = List.copyOf(nodes);
        this.output = output;
        this.valueCount = valueCount;
    }

    public static final int INPUT = 0;

    public String name() {
        return name;
    }

    public int inputChannels() {
        return inputChannels;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public int output() {
        return output;
    }

    public int valueCount() {
        return valueCount;
    }

    /** Every value's shape for one sample of the given input shape; fails naming the layer that cannot take it. */
    public Shape[] shapes(Shape input) {
        if (input.channels() != inputChannels) {
            throw new InvalidModelException(name + " takes " + inputChannels + " input channels, got " + input);
        }
        Shape[] shapes = new Shape[valueCount];
        shapes[INPUT] = input;
        for (Node node : nodes) {
            List<Shape> in = new ArrayList<>();
            for (int v : node.inputs()) {
                in.add(shapes[v]);
            }
            try {
                shapes[node.output()] = node.outputShape(in);
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException("input " + input + " does not fit " + name + " at layer "
                        + node.name() + ": " + e.getMessage(), e);
            }
        }
        return shapes;
    }

    /** The graph up to its pooled features (the last global average pooling), without the classifier. */
    public Graph features() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (nodes.get(i) instanceof Node.GlobalAvgPool pool) {
                List<Node> kept = nodes.subList(0, i + 1);
                // Values are numbered as they are made, so the kept nodes' values are the ones below this count.
                int values = kept.stream().mapToInt(Node::output).max().orElse(INPUT) + 1;
                return new Graph(name, inputChannels, kept, pool.output(), values);
            }
        }
        throw new InvalidModelException(name + " has no global average pooling to take features from");
    }

    /** All state_dict entries the graph reads, in PyTorch's order. */
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new ArrayList<>();
        for (Node node : nodes) {
            all.addAll(node.parameters());
        }
        return all;
    }

    /** Learned parameters, as PyTorch counts them (running statistics excluded). */
    public long parameterCount() {
        return parameters().stream().filter(p -> p.role().learned()).mapToLong(ParameterSpec::elements).sum();
    }
}
