package dev.jresnet.plan;

import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.Graph;
import dev.jresnet.model.Node;
import dev.jresnet.model.PaddingMode;
import dev.jresnet.model.Shape;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsValidator;

import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a graph and its weights into a {@link Plan} for one input shape: checks the weights, lowers each node to
 * an op over value numbers, runs the passes the options ask for (BatchNorm folding, fusions), then assigns values to
 * reusable buffers.
 */
public final class Planner {
    private Planner() {
    }

    /**
     * @param source where the weights came from, named in errors
     * @throws dev.jresnet.weights.WeightsMismatchException when the weights do not fit the graph
     * @throws IllegalArgumentException                     when the input shape does not fit the graph
     */
    public static Plan plan(Graph graph, StateDict weights, String source, Shape input, PlannerOptions options) {
        WeightsValidator.check(graph, weights, source);
        Shape[] shapes = graph.shapes(input);
        OpSequence ops = optimize(lower(graph, weights, shapes), options);
        return BufferAssignment.assign(graph.name(), ops, Graph.INPUT, options);
    }

    /** The graph passes the options ask for, over value numbers. */
    static OpSequence optimize(OpSequence ops, PlannerOptions options) {
        if (options.foldBatchNorm()) {
            ops = FoldBatchNorm.apply(ops);
        }
        ops = FuseActivations.apply(ops, options);
        // After folding: the folded weights are what a half-precision device copy rounds.
        return options.precision().sixteenBitStorage() ? RoundWeightsToHalf.apply(ops, options.precision()) : ops;
    }

    /**
     * One op per node, buffers numbered as the graph's values, weights bound as float32; a convolution with a
     * non-zero padding mode becomes an explicit padding (into a new value) and an unpadded convolution.
     */
    static OpSequence lower(Graph graph, StateDict w, Shape[] graphShapes) {
        List<PlanOp> ops = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>(List.of(graphShapes));
        for (Node node : graph.nodes()) {
            String n = node.name();
            int out = node.output();
            if (node instanceof Node.Conv2d c) {
                int in = c.input();
                ConvSpec spec = c.spec();
                if (c.paddingMode() != PaddingMode.ZEROS && (spec.padH() > 0 || spec.padW() > 0)) {
                    Shape s = shapes.get(in);
                    Shape padded = new Shape(s.channels(), s.height() + 2 * spec.padH(), s.width() + 2 * spec.padW());
                    ops.add(new PlanOp.PadOp(n + ".pad", in, shapes.size(), s, padded, spec.padH(), spec.padH(), spec.padW(),
                            spec.padW(), c.paddingMode()));
                    in = shapes.size();
                    shapes.add(padded);
                    spec = spec.withoutPadding();
                }
                ops.add(new PlanOp.ConvOp(n, in, out, PlanOp.NO_BUFFER, shapes.get(in), shapes.get(out), spec,
                        w.floats(n + ".weight"), spec.bias() ? w.floats(n + ".bias") : null, false));
            } else if (node instanceof Node.BatchNorm2d b) {
                ops.add(new PlanOp.BatchNormOp(n, b.input(), out, shapes.get(out), w.floats(n + ".weight"), w.floats(n + ".bias"),
                        w.floats(n + ".running_mean"), w.floats(n + ".running_var"), b.eps()));
            } else if (node instanceof Node.Relu r) {
                ops.add(new PlanOp.ReluOp(n, r.input(), out, shapes.get(out)));
            } else if (node instanceof Node.MaxPool2d p) {
                ops.add(new PlanOp.MaxPoolOp(n, p.input(), out, shapes.get(p.input()), shapes.get(out), p.spec()));
            } else if (node instanceof Node.AvgPool2d p) {
                ops.add(new PlanOp.AvgPoolOp(n, p.input(), out, shapes.get(p.input()), shapes.get(out), p.spec()));
            } else if (node instanceof Node.ChannelPadShortcut s) {
                ops.add(new PlanOp.ChannelPadOp(n, s.input(), out, shapes.get(s.input()), shapes.get(out), s.stride(),
                        s.padBefore()));
            } else if (node instanceof Node.GlobalAvgPool p) {
                ops.add(new PlanOp.GlobalAvgPoolOp(n, p.input(), out, shapes.get(p.input())));
            } else if (node instanceof Node.Linear l) {
                ops.add(new PlanOp.LinearOp(n, l.input(), out, l.inFeatures(), l.outFeatures(), w.floats(n + ".weight"),
                        l.bias() ? w.floats(n + ".bias") : null));
            } else if (node instanceof Node.Add a) {
                ops.add(new PlanOp.AddOp(n, a.left(), a.right(), out, shapes.get(out), false));
            } else {
                throw new IllegalStateException("no lowering for " + node.kind());
            }
        }
        return new OpSequence(ops, graph.output(), shapes.toArray(new Shape[0]));
    }
}
