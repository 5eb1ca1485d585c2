package dev.jresnet.plan;

import dev.jresnet.model.Shape;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ops over value numbers between lowering and buffer assignment, with the value the network returns and every
 * value's shape (lowering may add values the graph does not have, such as an explicit padding's output).
 */
record OpSequence(List<PlanOp> ops, int output, Shape[] shapes) {
    OpSequence {
        ops = List.copyOf(ops);
    }

    /** The same values and shapes with other ops, as a pass returns them. */
    OpSequence withOps(List<PlanOp> newOps) {
        return new OpSequence(newOps, output, shapes);
    }

    /** How many times each value is read; the network's output counts as one more read. */
    Map<Integer, Integer> readCounts() {
        Map<Integer, Integer> counts = new HashMap<>();
        for (PlanOp op : ops) {
            for (int v : op.inputs()) {
                counts.merge(v, 1, Integer::sum);
            }
        }
        counts.merge(output, 1, Integer::sum);
        return counts;
    }

    /** The index of the op that writes each value. */
    Map<Integer, Integer> producers() {
        Map<Integer, Integer> producers = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            producers.put(ops.get(i).output(), i);
        }
        return producers;
    }
}
