package dev.jresnet.gpu.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated CUDA stream: operations queue here and run only when something waits for them (a synchronization, an
 * event, a synchronous copy), so a program that reads results before synchronizing reads what was there before.
 */
final class SimStream {
    /** An active stream capture (cuStreamBeginCapture): work is recorded instead of queued. */
    static final class Capture {
        final int mode;
        final Thread owner;
        final List<Work> recorded = new ArrayList<>();
        String invalidatedBy;

        Capture(int mode, Thread owner) {
            this.mode = mode;
            this.owner = owner;
        }
    }

    /** The stream's handle (0 for the legacy stream), once created: named in messages. */
    long handle;
    final int device;
    /** The legacy default stream (handle 0), which synchronizes with every blocking stream of its device. */
    final boolean legacy;
    /** Created with cudaStreamNonBlocking: no implicit synchronization with the legacy stream. */
    final boolean nonBlocking;
    final ArrayDeque<Work> pending = new ArrayDeque<>();
    long enqueued;
    long executed;
    Capture capture;

    SimStream(int device, boolean legacy, boolean nonBlocking) {
        this.device = device;
        this.legacy = legacy;
        this.nonBlocking = nonBlocking;
    }

    String describe() {
        return legacy ? "the legacy default stream of device " + device : "stream 0x" + Long.toHexString(handle)
                + " of device " + device;
    }
}
