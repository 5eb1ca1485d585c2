package dev.jresnet.gpu.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything one GPU network holds natively (device and pinned memory, handles, streams, descriptors, modules) is
 * registered here as it is made, and freed here, in reverse order, by one {@link #close()}: also when construction
 * fails halfway, so a partly built network leaks nothing.
 */
final class Resources implements AutoCloseable {
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private boolean closed;

    /** Takes ownership of {@code resource}; returns it for chaining. */
    synchronized <T extends AutoCloseable> T add(T resource) {
        if (closed) {
            throw new IllegalStateException("resources already freed");
        }
        owned.push(resource);
        return resource;
    }

    /** Registers a release action, e.g. a descriptor's destroy call. */
    void onClose(Runnable release) {
        add(release::run);
    }

    /** Frees everything; the first failure is thrown after all were attempted, the rest are suppressed onto it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (first == null) {
                    first = r;
                } else {
                    first.addSuppressed(r);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
