package dev.jresnet.gpu.internal;

import jcuda.Pointer;

/**
 * The network's cuDNN workspace: first as large as the algorithm search may use, then only as large as the chosen
 * algorithms need. Freed by {@link #close()} (owned by the network's {@link Resources}).
 */
final class Workspace implements AutoCloseable {
    private final GpuContext ctx;
    private DeviceBuffer buffer;

    Workspace(GpuContext ctx, long bytes) {
        this.ctx = ctx;
        this.buffer = new DeviceBuffer(ctx.cuda, bytes, "the cuDNN workspace");
    }

    /** Replaces the memory with a block of {@code bytes} (what it held is not kept). */
    void resize(long bytes) {
        if (bytes != buffer.bytes()) {
            buffer.close();
            buffer = null;
            buffer = new DeviceBuffer(ctx.cuda, bytes, "the cuDNN workspace");
        }
    }

    Pointer pointer() {
        return buffer.pointer();
    }

    long bytes() {
        return buffer.bytes();
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
        }
    }
}
