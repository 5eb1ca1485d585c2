package dev.jresnet.plan;

import dev.jresnet.model.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps values to reusable buffers: a value takes a free buffer from the pool when it is produced (the smallest that
 * fits, else the largest free one, grown) and gives it back after its last reader. An op's output never shares a
 * buffer with its own inputs, so kernels need not handle aliasing. The network's output buffer is never reused.
 */
final class BufferAssignment {
    private BufferAssignment() {
    }

    static Plan assign(String model, OpSequence seq, int inputValue, PlannerOptions options) {
        List<PlanOp> ops = seq.ops();
        Shape[] shapes = seq.shapes();
        Map<Integer, Integer> lastRead = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            for (int v : ops.get(i).inputs()) {
                lastRead.put(v, i);
            }
        }
        lastRead.put(seq.output(), Integer.MAX_VALUE);

        List<Long> capacity = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        Map<Integer, Integer> bufferOf = new HashMap<>();
        bufferOf.put(inputValue, take(capacity, free, shapes[inputValue].elements()));
        for (int i = 0; i < ops.size(); i++) {
            PlanOp op = ops.get(i);
            bufferOf.put(op.output(), take(capacity, free, shapes[op.output()].elements()));
            for (int v : op.inputs()) {
                if (lastRead.get(v) == i && !free.contains(bufferOf.get(v))) {
                    free.add(bufferOf.get(v));
                }
            }
            if (!lastRead.containsKey(op.output())) {
                free.add(bufferOf.get(op.output())); // written but never read: keep the pool honest
            }
        }

        List<PlanOp> assigned = new ArrayList<>();
        for (PlanOp op : ops) {
            assigned.add(op.withBuffers(bufferOf::get));
        }
        int[] elements = new int[capacity.size()];
        for (int b = 0; b < elements.length; b++) {
            if (capacity.get(b) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(model + ": an activation of " + capacity.get(b)
                        + " elements per sample is larger than a Java array");
            }
            elements[b] = (int) (long) capacity.get(b);
        }
        return new Plan(model, assigned, elements, bufferOf.get(inputValue), bufferOf.get(seq.output()),
                shapes[inputValue], shapes[seq.output()], options);
    }

    private static int take(List<Long> capacity, List<Integer> free, long needed) {
        int best = -1;
        for (int b : free) {
            long c = capacity.get(b);
            if (c >= needed && (best < 0 || c < capacity.get(best))) {
                best = b;
            }
        }
        if (best < 0) {
            for (int b : free) {
                if (best < 0 || capacity.get(b) > capacity.get(best)) {
                    best = b;
                }
            }
        }
        if (best < 0) {
            capacity.add(needed);
            return capacity.size() - 1;
        }
        free.remove(Integer.valueOf(best));
        capacity.set(best, Math.max(capacity.get(best), needed));
        return best;
    }
}
