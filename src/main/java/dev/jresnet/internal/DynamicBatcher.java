package dev.jresnet.internal;

import dev.jresnet.tensor.Tensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the forward passes of many callers on one network. Requests queue here and one thread takes them in order,
 * merging those that arrive within a bounded wait into batches of at most {@code maxBatch} samples, so that
 * concurrent callers share batches instead of queueing behind the network's lock one sample at a time. Only requests
 * of one kind are merged ({@link NetworkInput#joins}); a request larger than {@code maxBatch} runs alone (the network
 * splits it).
 */
public final class DynamicBatcher implements AutoCloseable {
    /** Runs one batch on the network: (N, ...) in, (N, outputs) out. */
    public interface Runner {
        Tensor run(NetworkInput batch);
    }

    private record Request(NetworkInput batch, CompletableFuture<Tensor> result) {
        int samples() {
            return batch.samples();
        }
    }

    private final Runner network;
    private final int maxBatch;
    private final long waitNanos;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    /** A request taken from the queue that did not fit the batch being gathered: it starts the next one. */
    private Request carried;
    private volatile boolean closed;

    /**
     * @param maxWait how long the first request of a batch waits for others to join it: the most a lone caller's
     *                latency grows by
     */
    public DynamicBatcher(Runner network, int maxBatch, Duration maxWait, String name) {
        this.network = network;
        this.maxBatch = maxBatch;
        this.waitNanos = maxWait.toNanos();
        this.worker = new Thread(this::serve, "jresnet-batcher " + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** The network's output for {@code batch}, once a batch holding it has run. */
    public CompletableFuture<Tensor> submit(NetworkInput batch) {
        Request r = new Request(batch, new CompletableFuture<>());
        queue.add(r);
        if (closed) {
            fail(r, closedError());
        }
        return r.result();
    }

    /** {@link #submit} and wait: the network's exceptions are rethrown as they are. */
    public Tensor forward(NetworkInput batch) {
        try {
            return submit(batch).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void serve() {
        while (!closed) {
            List<Request> group;
            try {
                group = gather();
            } catch (InterruptedException e) {
                return;
            }
            run(group);
        }
    }

    private List<Request> gather() throws InterruptedException {
        Request first = carried != null ? carried : queue.take();
        carried = null;
        List<Request> group = new ArrayList<>(List.of(first));
        int samples = first.samples();
        long deadline = System.nanoTime() + waitNanos;
        while (samples < maxBatch) {
            Request next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            if (samples + next.samples() > maxBatch || !first.batch().joins(next.batch())) {
                carried = next;
                break;
            }
            group.add(next);
            samples += next.samples();
        }
        return group;
    }

    private void run(List<Request> group) {
        try {
            if (group.size() == 1) {
                group.get(0).result().complete(network.run(group.get(0).batch()));
                return;
            }
            Tensor outputs = network.run(NetworkInput.concat(group.stream().map(Request::batch).toList()));
            int row = 0;
            for (Request r : group) {
                r.result().complete(outputs.slice(row, row + r.samples()));
                row += r.samples();
            }
        } catch (RuntimeException | Error e) {
            group.forEach(r -> fail(r, e));
        }
    }

    private static void fail(Request r, Throwable why) {
        r.result().completeExceptionally(why);
    }

    private static IllegalStateException closedError() {
        return new IllegalStateException("the model is closed");
    }

    /** Stops the thread; requests still waiting fail. The network is the caller's to close. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (carried != null) {
            fail(carried, closedError());
        }
        for (Request r = queue.poll(); r != null; r = queue.poll()) {
            fail(r, closedError());
        }
    }
}
