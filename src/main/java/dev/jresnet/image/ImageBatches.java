package dev.jresnet.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decodes and preprocesses images (files, bytes in memory, ...) on a few threads ahead of the consumer (the network),
 * handing them out in input order. At most {@code lookahead} images are in flight, so memory stays bounded however
 * many there are; the sources are taken from their iterator on the consumer's thread, as room frees up. An image that
 * cannot be read becomes an item with its reason, not an exception.
 */
public final class ImageBatches implements AutoCloseable {
    /**
     * One image: its name, its resized and center-cropped 8-bit image (which a GPU network takes as it is, and the
     * CPU's after {@link Preprocessing#normalize}), or why there is none.
     */
    public record Item(String source, RgbImage image, String error) {
        public boolean ok() {
            return image != null;
        }
    }

    private final Iterator<? extends ImageSource> sources;
    private final Preprocessing preprocessing;
    private final ImageDecoder decoder;
    private final ExecutorService pool;
    private final int lookahead;
    private final Deque<Future<Item>> inFlight = new ArrayDeque<>();

    public ImageBatches(Iterator<? extends ImageSource> sources, Preprocessing preprocessing, ImageDecoder decoder, int threads,
                        int lookahead) {
        this.sources = sources;
        this.preprocessing = preprocessing;
        this.decoder = decoder;
        this.lookahead = Math.max(1, lookahead);
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "jresnet-decode");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    /** The next up to {@code n} items in input order; an empty list when all images are done. */
    public List<Item> next(int n) throws InterruptedException {
        List<Item> items = new ArrayList<>(n);
        while (items.size() < n && !inFlight.isEmpty()) {
            try {
                items.add(inFlight.poll().get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("image decoding failed unexpectedly", e.getCause());
            }
            fill();
        }
        return items;
    }

    private void fill() {
        while (inFlight.size() < lookahead && sources.hasNext()) {
            ImageSource source = sources.next();
            inFlight.add(pool.submit(() -> load(source)));
        }
    }

    private Item load(ImageSource source) {
        try {
            return new Item(source.name(), preprocessing.crop(source.decode(decoder)), null);
        } catch (UnreadableImageException e) {
            return new Item(source.name(), null, e.reason());
        } catch (OutOfMemoryError e) {
            return new Item(source.name(), null, "too large to decode in this heap");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
