package dev.jresnet.internal;

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
    /**
     * Doubles each value (of an 8-bit image: each byte, as a float); records the batches it ran, "f" or "i" and the
     * samples; its first call waits until released.
     */
    private static final class Recording implements DynamicBatcher.Runner {
        final List<String> batches = new ArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public synchronized Tensor run(NetworkInput batch) {
            if (batches.isEmpty()) {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            float[] out;
            if (batch instanceof NetworkInput.Images images) {
                batches.add("i" + images.samples());
                out = new float[images.rgb().length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = 2 * images.rgb()[i];
                }
            } else {
                Tensor t = ((NetworkInput.Floats) batch).batch();
                batches.add("f" + t.dim(0));
                out = t.data().clone();
                for (int i = 0; i < out.length; i++) {
                    out[i] *= 2;
                }
            }
            return new Tensor(new int[]{batch.samples(), out.length / batch.samples()}, out);
        }
    }

    private static NetworkInput samples(int n, float first) {
        float[] v = new float[n * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = first + i;
        }
        return new NetworkInput.Floats(new Tensor(new int[]{n, 2, 1, 1}, v));
    }

    /** n 1x1 images whose bytes count up from {@code first}. */
    private static NetworkInput images(int n, int first) {
        byte[] rgb = new byte[n * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (first + i);
        }
        return new NetworkInput.Images(rgb, n, 1, 1);
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
            assertEquals(List.of("f1", "f4", "f4"), net.batches, "1 alone, then the queue in batches of at most 4, in order");
        }
    }

    @Test
    void aLoneRequestRunsAfterTheWaitAndALargeOneRunsWhole() throws Exception {
        Recording net = new Recording();
        net.release.countDown();
        try (DynamicBatcher batcher = new DynamicBatcher(net, 2, Duration.ofMillis(1), "test")) {
            assertEquals(2f, batcher.forward(samples(1, 1)).data()[0]);
            assertEquals(5, batcher.forward(samples(5, 0)).dim(0));
            assertEquals(List.of("f1", "f5"), net.batches);
        }
    }

    @Test
    void imagesAndFloatsNeverShareABatchAndEachCallerGetsItsOwnRows() throws Exception {
        Recording net = new Recording();
        try (DynamicBatcher batcher = new DynamicBatcher(net, 8, Duration.ofMillis(300), "test")) {
            CompletableFuture<Tensor> first = batcher.submit(samples(1, 0));
            net.started.await();
            CompletableFuture<Tensor> a = batcher.submit(images(2, 1));
            CompletableFuture<Tensor> b = batcher.submit(images(1, 50));
            CompletableFuture<Tensor> c = batcher.submit(samples(1, 7));
            CompletableFuture<Tensor> d = batcher.submit(images(1, 60));
            net.release.countDown();
            first.get();
            assertEquals(List.of(2f, 4f, 6f, 8f, 10f, 12f), floats(a.get()), "two images of three bytes, doubled");
            assertEquals(List.of(100f, 102f, 104f), floats(b.get()));
            assertEquals(List.of(14f, 16f), floats(c.get()));
            assertEquals(List.of(120f, 122f, 124f), floats(d.get()));
            assertEquals(List.of("f1", "i3", "f1", "i1"), net.batches, "images merge with images only, order kept");
        }
    }

    private static List<Float> floats(Tensor t) {
        List<Float> list = new ArrayList<>();
        for (float v : t.data()) {
            list.add(v);
        }
        return list;
    }

    @Test
    void aFailureReachesEveryCallerOfItsBatchAndClosingFailsTheWaiting() throws Exception {
        DynamicBatcher.Runner failing = batch -> {
            throw new IllegalStateException("device lost");
        };
        DynamicBatcher batcher = new DynamicBatcher(failing, 4, Duration.ofMillis(1), "test");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> batcher.forward(samples(1, 0)));
        assertEquals("device lost", e.getMessage());
        batcher.close();
        CompletableFuture<Tensor> late = batcher.submit(samples(1, 0));
        assertTrue(late.isCompletedExceptionally());
    }
}
