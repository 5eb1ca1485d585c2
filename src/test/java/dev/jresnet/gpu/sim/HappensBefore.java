package dev.jresnet.gpu.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a GPU would let run at the same time, and the memory accesses that would then race. The simulated device runs
 * queued work lazily, in one order of its choosing; a real one runs the streams concurrently, constrained only by
 * stream order, events (cudaEventRecord, cudaStreamWaitEvent), the legacy stream's implicit synchronization and the
 * host's synchronizations. So every operation gets a vector clock of those constraints when it is queued, and every
 * access it makes to an allocation is checked against the allocation's last write and its reads since: a write and
 * another access that neither orders before the other would race on a GPU, whatever order the simulator happened to
 * run them in, and is a {@link SimulatedFault} naming both operations. Accesses made by the host itself (synchronous
 * copies, cuDNN's algorithm search) carry the host's clock. What the host writes through its own pointers into
 * page-locked memory is not seen.
 *
 * <p>A synchronization of a whole device (cudaDeviceSynchronize, and the calls that imply it: cudaFree, handle and
 * module destruction) orders all its earlier work before everything later: its streams' clocks start afresh then,
 * and the accesses recorded on its memory are forgotten.
 */
final class HappensBefore {
    /** A vector clock: per stream (and for the host), how much of its work is known to have happened before. */
    static final class Clock {
        private final Map<Object, Long> ticks = new IdentityHashMap<>();

        Clock copy() {
            Clock c = new Clock();
            c.ticks.putAll(ticks);
            return c;
        }

        void join(Clock other) {
            other.ticks.forEach((s, t) -> ticks.merge(s, t, Math::max));
        }

        void tick(Object agent) {
            ticks.merge(agent, 1L, Long::sum);
        }

        /** Whether everything this clock has seen is ordered before {@code other}. */
        boolean before(Clock other) {
            for (Map.Entry<Object, Long> e : ticks.entrySet()) {
                if (other.ticks.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        void forget(int device) {
            ticks.keySet().removeIf(s -> s instanceof SimStream stream && stream.device == device);
        }
    }

    /** One access: who made it (a stream, or null for the host), what it was, and its clock. */
    private record Access(SimStream by, String what, Clock clock) {
    }

    /** The accesses to one allocation a later one must be ordered after: the last write, and each agent's last read. */
    private static final class History {
        Access write;
        final List<Access> reads = new ArrayList<>();
    }

    /** The operation now running on a stream, whose accesses these are. */
    private record Running(SimStream stream, String what, Clock clock) {
    }

    /** The host's own component: it ticks at each host access and each operation the host queues. */
    private static final Object HOST = new Object();

    private final Clock host = new Clock();
    private final Map<SimStream, Clock> streams = new IdentityHashMap<>();
    private final Map<Object, Clock> events = new HashMap<>();
    private final Map<Allocation, History> histories = new IdentityHashMap<>();
    private volatile Running running;

    private Clock of(SimStream s) {
        return streams.computeIfAbsent(s, k -> new Clock());
    }

    /** An operation queued on {@code s} now: after the host's past and the stream's earlier work. Returns its clock. */
    Clock queued(SimStream s) {
        host.tick(HOST);
        Clock c = of(s);
        c.join(host);
        c.tick(s);
        return c.copy();
    }

    /** {@code s} waits for everything {@code on} has queued so far (the legacy stream's implicit synchronization). */
    void streamWaitsForStream(SimStream s, SimStream on) {
        of(s).join(of(on));
    }

    void recorded(Object event, SimStream s) {
        events.put(event, of(s).copy());
    }

    /** cudaStreamWaitEvent: later work on {@code s} is after what the event recorded (nothing, if never recorded). */
    void streamWaitsForEvent(SimStream s, Object event) {
        Clock e = events.get(event);
        if (e != null) {
            of(s).join(e);
        }
    }

    void forgetEvent(Object event) {
        events.remove(event);
    }

    void hostWaitsForEvent(Object event) {
        Clock e = events.get(event);
        if (e != null) {
            host.join(e);
        }
    }

    void hostWaitsForStream(SimStream s) {
        host.join(of(s));
    }

    /** The host has waited for everything on a device: earlier accesses to its memory can race with nothing later. */
    void deviceSynchronized(int device) {
        host.forget(device);
        streams.values().forEach(c -> c.forget(device));
        events.values().forEach(c -> c.forget(device));
        streams.keySet().removeIf(s -> s.device == device);
        for (Iterator<Map.Entry<Allocation, History>> it = histories.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Allocation, History> e = it.next();
            History h = e.getValue();
            if (e.getKey().kind != Allocation.Kind.PINNED && e.getKey().device == device) {
                it.remove();
                continue;
            }
            if (h.write != null && h.write.by() != null && h.write.by().device == device) {
                h.write = null;
            }
            h.reads.removeIf(r -> r.by() != null && r.by().device == device);
        }
    }

    /** Runs {@code action} as the operation {@code what} queued on {@code s} with {@code clock}. */
    void run(SimStream s, String what, Clock clock, Runnable action) {
        Running outer = running;
        running = new Running(s, what, clock);
        try {
            action.run();
        } finally {
            running = outer;
        }
    }

    /** An access by the operation running now, or by the host when none is. */
    synchronized void accessed(Allocation a, boolean write, String call) {
        Access now = running != null ? new Access(running.stream(), running.what(), running.clock()) : hostAccess(call);
        History h = histories.computeIfAbsent(a, k -> new History());
        if (h.write != null && h.write.by() != now.by() && !h.write.clock().before(now.clock())) {
            throw race(a, h.write, true, now, write);
        }
        if (write) {
            for (Access r : h.reads) {
                if (r.by() != now.by() && !r.clock().before(now.clock())) {
                    throw race(a, r, false, now, true);
                }
            }
            h.write = now;
            h.reads.clear();
        } else {
            h.reads.removeIf(r -> r.by() == now.by());
            h.reads.add(now);
        }
    }

    private Access hostAccess(String call) {
        host.tick(HOST);
        return new Access(null, call + " (by the host)", host.copy());
    }

    private static SimulatedFault race(Allocation a, Access earlier, boolean earlierWrote, Access later, boolean laterWrites) {
        return new SimulatedFault("a data race on " + a.describe() + ": " + (laterWrites ? "a write by " : "a read by ")
                + later.what() + " (on " + agent(later) + ") is not ordered after " + (earlierWrote ? "the write by " : "the read by ")
                + earlier.what() + " (on " + agent(earlier) + "): no stream order, event or synchronization puts one "
                + "before the other, so a GPU may run them at the same time");
    }

    private static String agent(Access a) {
        return a.by() == null ? "the host" : a.by().describe();
    }
}
