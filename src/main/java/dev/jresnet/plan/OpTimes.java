package dev.jresnet.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time spent per kind of op (ConvOp, AddOp, ...), summed over runs: what benchmarks break totals down by. */
public final class OpTimes {
    private final Map<Class<? extends PlanOp>, Long> nanos = new LinkedHashMap<>();

    public synchronized void add(PlanOp op, long elapsedNanos) {
        nanos.merge(op.getClass(), elapsedNanos, Long::sum);
    }

    public synchronized long nanos(Class<? extends PlanOp> kind) {
        return nanos.getOrDefault(kind, 0L);
    }

    public synchronized Map<Class<? extends PlanOp>, Long> all() {
        return Map.copyOf(nanos);
    }

    public synchronized void clear() {
        nanos.clear();
    }
}
