package dev.jresnet;

import dev.jresnet.image.ImageBatches;
import dev.jresnet.image.RgbImage;
import dev.jresnet.internal.DynamicBatcher;
import dev.jresnet.internal.NetworkInput;
import dev.jresnet.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What a {@link ResNetModel} computes for a sequence of images, one {@link ImageOutput} per image in input order, made
 * as the caller iterates: images are decoded ahead on the model's decode threads and run in batches of at most the
 * max batch, with up to three batches in flight so that decoding and the network overlap. Images are taken from the
 * caller's iterator on the caller's thread. {@link #close()} stops the decoding (when the caller stops early, for
 * instance); the model stays open.
 */
public final class ImageOutputs implements Iterator<ImageOutput>, AutoCloseable {
    private static final int BATCHES_IN_FLIGHT = 3;

    /** Decoded items and the pending output of those that decoded. */
    private record Chunk(List<ImageBatches.Item> items, CompletableFuture<Tensor> outputs) {
        /** Adds one output per item, in input order, once the outputs are there. */
        void deliver(Deque<ImageOutput> to) {
            Tensor out;
            try {
                out = outputs.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            int row = 0;
            for (ImageBatches.Item item : items) {
                if (item.ok()) {
                    to.add(new ImageOutput(item.source(), out.slice(row, row + 1).data(), null));
                    row++;
                } else {
                    to.add(new ImageOutput(item.source(), null, item.error()));
                }
            }
        }
    }

    private final ImageBatches decoded;
    private final DynamicBatcher batcher;
    private final int maxBatch;
    private final Deque<Chunk> inFlight = new ArrayDeque<>();
    private final Deque<ImageOutput> ready = new ArrayDeque<>();
    private boolean allSubmitted;

    ImageOutputs(ImageBatches decoded, DynamicBatcher batcher, int maxBatch) {
        this.decoded = decoded;
        this.batcher = batcher;
        this.maxBatch = maxBatch;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty()) {
            while (!allSubmitted && inFlight.size() < BATCHES_IN_FLIGHT) {
                submitNext();
            }
            if (inFlight.isEmpty()) {
                return false;
            }
            inFlight.poll().deliver(ready);
        }
        return true;
    }

    @Override
    public ImageOutput next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more images");
        }
        return ready.poll();
    }

    private void submitNext() {
        List<ImageBatches.Item> items;
        try {
            items = decoded.next(maxBatch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding images", e);
        }
        if (items.isEmpty()) {
            allSubmitted = true;
            return;
        }
        List<ImageBatches.Item> ok = items.stream().filter(ImageBatches.Item::ok).toList();
        inFlight.add(new Chunk(items, ok.isEmpty() ? CompletableFuture.completedFuture(null) : batcher.submit(stack(ok))));
    }

    /** The decoded 8-bit images, for the network to normalize (the CPU's on the host, a GPU's on the device). */
    private static NetworkInput stack(List<ImageBatches.Item> items) {
        RgbImage first = items.get(0).image();
        int size = first.rgb().length;
        byte[] rgb = new byte[items.size() * size];
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(items.get(i).image().rgb(), 0, rgb, i * size, size);
        }
        return new NetworkInput.Images(rgb, items.size(), first.height(), first.width());
    }

    /** Stops decoding; images not yet handed out are dropped. The model is not closed. */
    @Override
    public void close() {
        decoded.close();
    }
}
