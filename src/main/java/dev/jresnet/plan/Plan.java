package dev.jresnet.plan;

import dev.jresnet.model.Shape;

import java.util.List;

/**
 * A network compiled for one input shape: ops in execution order over numbered buffers. {@code bufferElements[b]}
 * is buffer b's size per sample; an executor running a batch of N allocates N times that. Both executors run the
 * same plan, so tests of the plan on the CPU cover what the GPU relies on.
 */
public record Plan(String model, List<PlanOp> ops, int[] bufferElements, int inputBuffer, int outputBuffer,
                   Shape inputShape, Shape outputShape, PlannerOptions options) {

    public Plan {
        ops = List.copyOf(ops);
        bufferElements = bufferElements.clone();
    }

    @Override
    public int[] bufferElements() {
        return bufferElements.clone();
    }

    public int bufferCount() {
        return bufferElements.length;
    }

    /** One line per op, for logs and for tests of the planner's passes. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(model).append(" ").append(inputShape).append(" -> ").append(outputShape).append(", ")
                .append(ops.size()).append(" ops, ").append(bufferCount()).append(" buffers\n");
        for (PlanOp op : ops) {
            s.append("  ").append(op.getClass().getSimpleName()).append(' ').append(op.name()).append(' ')
                    .append(op.inputs()).append(" -> ").append(op.output());
            if (op instanceof PlanOp.ConvOp c) {
                s.append(c.bias() != null ? " +bias" : "").append(c.residual() != PlanOp.NO_BUFFER ? " +residual" : "")
                        .append(c.relu() ? " +relu" : "");
            } else if (op instanceof PlanOp.AddOp a && a.relu()) {
                s.append(" +relu");
            }
            s.append('\n');
        }
        return s.toString();
    }
}
