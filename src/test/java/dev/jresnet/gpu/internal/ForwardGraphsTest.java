package dev.jresnet.gpu.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CUDA graph bookkeeping, on a fake backend that logs what a device would be asked to do. */
class ForwardGraphsTest {
    /** Graphs are numbered; capture of a batch size in {@code failing} fails. */
    private static final class FakeBackend implements ForwardGraphs.Backend<Integer> {
        final List<String> log = new ArrayList<>();
        final List<Integer> failing = new ArrayList<>();
        int batch;
        int made;

        @Override
        public Integer capture(Runnable steps) throws ForwardGraphs.CaptureFailedException {
            log.add("begin capture");
            steps.run();
            if (failing.contains(batch)) {
                log.add("capture failed");
                throw new ForwardGraphs.CaptureFailedException("operation not permitted when stream is capturing", null);
            }
            log.add("graph " + made);
            return made++;
        }

        @Override
        public void launch(Integer graph) {
            log.add("launch " + graph);
        }

        @Override
        public void destroy(Integer graph) {
            log.add("destroy " + graph);
        }
    }

    private static void run(ForwardGraphs<Integer> graphs, FakeBackend backend, int batch) {
        backend.batch = batch;
        graphs.run(batch, () -> backend.log.add("steps N=" + batch));
    }

    /** The first run of a size is direct (the libraries' first-use work must not happen under capture). */
    @Test
    void eachBatchSizeRunsDirectlyOnceThenIsCapturedOnceAndReplayedAfter() {
        FakeBackend backend = new FakeBackend();
        try (ForwardGraphs<Integer> graphs = new ForwardGraphs<>(backend)) {
            run(graphs, backend, 8);
            run(graphs, backend, 8);
            run(graphs, backend, 8);
            run(graphs, backend, 3);
            run(graphs, backend, 3);
            run(graphs, backend, 8);
        }
        assertEquals(List.of("steps N=8", "begin capture", "steps N=8", "graph 0", "launch 0", "launch 0",
                "steps N=3", "begin capture", "steps N=3", "graph 1", "launch 1", "launch 0", "destroy 0", "destroy 1"),
                backend.log);
    }

    @Test
    void aSizeThatCannotBeCapturedRunsItsStepsDirectlyFromThenOn() {
        FakeBackend backend = new FakeBackend();
        backend.failing.add(5);
        ForwardGraphs<Integer> graphs = new ForwardGraphs<>(backend);
        run(graphs, backend, 5);
        run(graphs, backend, 5);
        run(graphs, backend, 5);
        run(graphs, backend, 2);
        run(graphs, backend, 2);
        assertEquals(List.of("steps N=5", "begin capture", "steps N=5", "capture failed", "steps N=5", "steps N=5",
                "steps N=2", "begin capture", "steps N=2", "graph 0", "launch 0"), backend.log);
        String described = graphs.describe();
        assertTrue(described.contains("N=2: CUDA graph"), described);
        assertTrue(described.contains("N=5: steps run directly (capture failed: operation not permitted"), described);
        graphs.close();
        graphs.close();
        assertEquals("destroy 0", backend.log.get(backend.log.size() - 1));
        assertEquals(1, backend.log.stream().filter(l -> l.startsWith("destroy")).count(), "closing twice frees once");
        assertThrows(IllegalStateException.class, () -> run(graphs, backend, 2));
    }
}
