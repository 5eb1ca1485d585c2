package dev.jresnet.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Moves work into the op that produces its input, so the data is written once: a ReLU into the residual add before
 * it, a residual add into the convolution before it (the other operand must already be computed: cuDNN's z input
 * and the CPU kernels' epilogue read it while the convolution runs), and a ReLU into the convolution before it.
 * Each fusion needs the producer's output to have that single reader.
 */
final class FuseActivations {
    private FuseActivations() {
    }

    static OpSequence apply(OpSequence seq, PlannerOptions options) {
        if (options.fuseAddRelu()) {
            seq = fuseRelu(seq, (producer, relu) -> producer instanceof PlanOp.AddOp add && !add.relu()
                    ? new PlanOp.AddOp(add.name(), add.left(), add.right(), relu.output(), add.shape(), true) : null);
        }
        if (options.fuseConvResidual()) {
            seq = fuseConvResidual(seq);
        }
        if (options.fuseConvRelu()) {
            seq = fuseRelu(seq, (producer, relu) -> producer instanceof PlanOp.ConvOp conv && !conv.relu()
                    ? conv.fusedWith(relu.output(), conv.residual(), true) : null);
        }
        return seq;
    }

    /** Replaces producer + ReLU by {@code fuse(producer, relu)} where that is not null. */
    private static OpSequence fuseRelu(OpSequence seq, BiFunction<PlanOp, PlanOp.ReluOp, PlanOp> fuse) {
        Map<Integer, Integer> reads = seq.readCounts();
        Map<Integer, Integer> producers = seq.producers();
        List<PlanOp> ops = new ArrayList<>(seq.ops());
        for (int i = 0; i < ops.size(); i++) {
            if (!(ops.get(i) instanceof PlanOp.ReluOp relu) || reads.get(relu.input()) != 1) {
                continue;
            }
            int p = producers.getOrDefault(relu.input(), -1);
            PlanOp fused = p < 0 || ops.get(p) == null ? null : fuse.apply(ops.get(p), relu);
            if (fused != null) {
                ops.set(p, fused);
                ops.set(i, null);
            }
        }
        ops.removeIf(op -> op == null);
        return seq.withOps(ops);
    }

    private static OpSequence fuseConvResidual(OpSequence seq) {
        Map<Integer, Integer> reads = seq.readCounts();
        Map<Integer, Integer> producers = seq.producers();
        List<PlanOp> ops = new ArrayList<>(seq.ops());
        for (int i = 0; i < ops.size(); i++) {
            if (!(ops.get(i) instanceof PlanOp.AddOp add)) {
                continue;
            }
            // Prefer the operand computed last: the other one is then certainly ready when the convolution runs.
            int left = producers.getOrDefault(add.left(), -1);
            int right = producers.getOrDefault(add.right(), -1);
            int convIndex = Math.max(left, right);
            int residual = convIndex == left ? add.right() : add.left();
            if (convIndex < 0 || !(ops.get(convIndex) instanceof PlanOp.ConvOp conv) || conv.relu()
                    || conv.residual() != PlanOp.NO_BUFFER || reads.get(conv.output()) != 1
                    || residual == conv.output()) {
                continue;
            }
            ops.set(convIndex, conv.fusedWith(add.output(), residual, add.relu()));
            ops.set(i, null);
        }
        ops.removeIf(op -> op == null);
        return seq.withOps(ops);
    }
}
