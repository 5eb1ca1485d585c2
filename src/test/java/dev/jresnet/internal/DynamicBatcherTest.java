package dev.jresnet.internal;

import dev.jresnet.Network;
import dev.jresnet.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batching callers: who shares a batch, in what order, and that each gets its own rows back. */
class DynamicBatcherTest {
    /** Doubles each value; records the batch sizes it ran; its first call waits until released. */
    private static final class Recording implements Network {
        final List<Integer> batches = new ArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public synchronized Tensor forward(Tensor batch) {
            if (batches.isEmpty()) {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            batches.add(batch.dim(0));
            float[] out = batch.data().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= 2;
            }
            return new Tensor(batch.shape(), out);
        }

        @Override
        public void close() {
        }
    }

    private static Tensor samples(int n, float first) {
        float[] v = new float[n * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = first + i;
        }
        return new Tensor(new int[]{n, 2, 1, 1}, v);
    }

    @Test
    void requestsWaitingTogetherShareBatchesUpToTheMaximumInOrder() throws Exception {
        Recording net = new Recording();
        try (DynamicBatcher batcher = new DynamicBatcher(net, 4, Duration.ofMillis(300), "test")) {
            CompletableFuture<Tensor> first = batcher.submit(samples(1, 0));
            net.started.await(); // the first request runs alone; the next ones queue behind it
            List<CompletableFuture<Tensor>> rest = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                rest.add(batcher.submit(samples(1, 10 * i)));
            }
            rest.add(batcher.submit(samples(2, 100)));
            net.release.countDown();
            assertEquals(0f, first.get().data()[0]);
            for (int i = 1; i <= 6; i++) {
                Tensor out = rest.get(i - 1).get();
                assertEquals(1, out.dim(0));
                assertEquals(2 * 10f * i, out.data()[0]);
                assertEquals(2 * (10f * i + 1), out.data()[1]);
            }
            Tensor pair = rest.get(6).get();
            assertEquals(List.of(200f, 202f, 204f, 206f), List.of(pair.data()[0], pair.data()[1], pair.data()[2], pair.data()[3]));
            assertEquals(List.of(1, 4, 4), net.batches, "1 alone, then the queue in batches of at most 4, in order");
        }
    }

    @Test
    void aLoneRequestRunsAfterTheWaitAndALargeOneRunsWhole() throws Exception {
        Recording net = new Recording();
        net.release.countDown();
        try (DynamicBatcher batcher = new DynamicBatcher(net, 2, Duration.ofMillis(1), "test")) {
            assertEquals(2f, batcher.forward(samples(1, 1)).data()[0]);
            assertEquals(5, batcher.forward(samples(5, 0)).dim(0));
            assertEquals(List.of(1, 5), net.batches);
        }
    }

    @Test
    void aFailureReachesEveryCallerOfItsBatchAndClosingFailsTheWaiting() throws Exception {
        Network failing = new Network() {
            @Override
            public Tensor forward(Tensor batch) {
                throw new IllegalStateException("device lost");
            }

            @Override
            public void close() {
            }
        };
        DynamicBatcher batcher = new DynamicBatcher(failing, 4, Duration.ofMillis(1), "test");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> batcher.forward(samples(1, 0)));
        assertEquals("device lost", e.getMessage());
        batcher.close();
        CompletableFuture<Tensor> late = batcher.submit(samples(1, 0));
        assertTrue(late.isCompletedExceptionally());
    }
}
