package dev.jresnet.model;

import java.util.ArrayList;
import java.util.List;

/** Builds a {@link Graph} one layer at a time; each method returns the new layer's output value. */
public final class GraphBuilder {
    private final String name;
    private final int inputChannels;
    private final List<Node> nodes = new ArrayList<>();
    private int nextValue = Graph.INPUT + 1;

    public GraphBuilder(String name, int inputChannels) {
        this.name = name;
        this.inputChannels = inputChannels;
    }

    public int input() {
        return Graph.INPUT;
    }

    public int conv(String layer, int x, ConvSpec spec) {
        return conv(layer, x, spec, PaddingMode.ZEROS);
    }

    public int conv(String layer, int x, ConvSpec spec, PaddingMode paddingMode) {
        return add(new Node.Conv2d(layer, x, nextValue, spec, paddingMode));
    }

    public int batchNorm(String layer, int x, int channels, double eps) {
        return add(new Node.BatchNorm2d(layer, x, nextValue, channels, eps));
    }

    public int relu(String layer, int x) {
        return add(new Node.Relu(layer, x, nextValue));
    }

    public int maxPool(String layer, int x, PoolSpec spec) {
        return add(new Node.MaxPool2d(layer, x, nextValue, spec));
    }

    public int avgPool(String layer, int x, AvgPoolSpec spec) {
        return add(new Node.AvgPool2d(layer, x, nextValue, spec));
    }

    public int channelPadShortcut(String layer, int x, int stride, int padBefore, int outChannels) {
        return add(new Node.ChannelPadShortcut(layer, x, nextValue, stride, padBefore, outChannels));
    }

    public int globalAvgPool(String layer, int x) {
        return add(new Node.GlobalAvgPool(layer, x, nextValue));
    }

    public int linear(String layer, int x, int in, int out, boolean bias) {
        return add(new Node.Linear(layer, x, nextValue, in, out, bias));
    }

    public int add(String layer, int left, int right) {
        return add(new Node.Add(layer, left, right, nextValue));
    }

    public Graph build(int output) {
        return new Graph(name, inputChannels, nodes, output, nextValue);
    }

    private int add(Node node) {
        for (int v : node.inputs()) {
            if (v < 0 || v >= nextValue) {
                throw new IllegalArgumentException(node.name() + " reads value " + v + ", which is not defined yet");
            }
        }
        nodes.add(node);
        return nextValue++;
    }
}
