package dev.jresnet.gpu.internal;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * CUDA graphs of the forward pass, one per batch size. The first run of a size runs its steps directly: cuDNN and
 * cuBLAS do one-time work on first use (loading kernels, allocating), which is illegal inside a capture and would
 * spoil it. The second run captures the steps and keeps the instantiated graph; later runs of that size replay it
 * with a single launch. Where capture fails (an operation that cannot be captured, a driver without it), that size
 * runs its steps directly from then on, with one warning, and the reason is kept for {@link #describe()}: a graph is
 * a speed-up, never a reason to fail.
 *
 * @param <G> an instantiated graph of the backend
 */
final class ForwardGraphs<G> implements AutoCloseable {
    /** What captures, replays and frees graphs: {@link StreamCapture} on a device, a fake in tests. */
    interface Backend<G> {
        /** Runs {@code steps} under capture and instantiates what they enqueued; on failure leaves nothing behind. */
        G capture(Runnable steps) throws CaptureFailedException;

        void launch(G graph);

        void destroy(G graph);
    }

    /** Capture did not produce a graph; the stream is usable again when this is thrown. */
    static final class CaptureFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        CaptureFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final System.Logger LOG = System.getLogger(ForwardGraphs.class.getName());

    private final Backend<G> backend;
    private final Map<Integer, G> graphs = new LinkedHashMap<>();
    private final Map<Integer, String> uncapturable = new LinkedHashMap<>();
    private final Set<Integer> warmedUp = new HashSet<>();
    private boolean closed;

    ForwardGraphs(Backend<G> backend) {
        this.backend = backend;
    }

    /** Runs the forward pass of a batch of {@code batch}: run directly (first time), captured now, or replayed. */
    synchronized void run(int batch, Runnable steps) {
        if (closed) {
            throw new IllegalStateException("the forward graphs are closed");
        }
        if (warmedUp.add(batch)) {
            steps.run();
            return;
        }
        G graph = graphs.get(batch);
        if (graph == null && !uncapturable.containsKey(batch)) {
            try {
                graph = backend.capture(steps);
                graphs.put(batch, graph);
            } catch (CaptureFailedException e) {
                uncapturable.put(batch, e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "CUDA graph capture failed for batch " + batch + " (" + e.getMessage()
                        + "); this batch size runs its steps directly");
            }
        }
        if (graph != null) {
            backend.launch(graph); // a capture only records: the first run of a size launches too
        } else {
            steps.run();
        }
    }

    /** One line per batch size seen: replayed as a graph, or why not. */
    synchronized String describe() {
        StringBuilder s = new StringBuilder();
        graphs.keySet().forEach(n -> s.append("N=").append(n).append(": CUDA graph\n"));
        uncapturable.forEach((n, why) -> s.append("N=").append(n).append(": steps run directly (capture failed: ")
                .append(why).append(")\n"));
        return s.toString();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            RuntimeException first = null;
            for (G g : graphs.values()) {
                try {
                    backend.destroy(g);
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            graphs.clear();
            if (first != null) {
                throw first;
            }
        }
    }
}
