package dev.jresnet.image;


import java.nio.file.Path;
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
 * Decodes and preprocesses image files on a few threads ahead of the consumer (the network), handing them out in
 * input order. At most {@code lookahead} images are in flight, so memory stays bounded however many files there
 * are. A file that cannot be read becomes an item with its reason, not an exception.
 */
public final class ImageBatches implements AutoCloseable {
    /**
     * One file: its resized and center-cropped 8-bit image (which a GPU network takes as it is, and the CPU's after
     * {@link Preprocessing#normalize}), or why there is none.
     */
    public record Item(Path path, RgbImage image, String error) {
        public boolean ok() {
            return image != null;
        }
    }

    private final Iterator<Path> files;
    private final Preprocessing preprocessing;
    private final ImageDecoder decoder;
    private final ExecutorService pool;
    private final int lookahead;
    private final Deque<Future<Item>> inFlight = new ArrayDeque<>();

    public ImageBatches(List<Path> files, Preprocessing preprocessing, ImageDecoder decoder, int threads, int lookahead) {
        this.files = files.iterator();
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

    /** The next up to {@code n} items in input order; an empty list when all files are done. */
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
        while (inFlight.size() < lookahead && files.hasNext()) {
            Path file = files.next();
            inFlight.add(pool.submit(() -> load(file)));
        }
    }

    private Item load(Path file) {
        try {
            return new Item(file, preprocessing.crop(decoder.decode(file)), null);
        } catch (UnreadableImageException e) {
            return new Item(file, null, e.reason());
        } catch (OutOfMemoryError e) {
            return new Item(file, null, "too large to decode in this heap");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
