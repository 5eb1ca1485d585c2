package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import jcuda.Pointer;
import jcuda.runtime.JCuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLong;

/** Page-locked host memory (cudaHostAlloc) for asynchronous copies, viewed as floats or bytes; freed by {@link #close()}. */
public final class PinnedBuffer implements AutoCloseable {
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final CudaApi cuda;
    private final Pointer pointer = new Pointer();
    private final long bytes;
    private boolean freed;

    PinnedBuffer(CudaApi cuda, long bytes, String what) {
        this.cuda = cuda;
        this.bytes = bytes;
        Cuda.runtime(cuda.cudaHostAlloc(pointer, Math.max(bytes, 4), JCuda.cudaHostAllocDefault), "cudaHostAlloc",
                () -> bytes + " bytes for " + what);
        LIVE_BYTES.addAndGet(bytes);
    }

    /** Pinned bytes this process holds through jresnet right now: 0 once every network is closed. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    Pointer pointer() {
        return pointer;
    }

    /**
     * A view of the whole buffer as floats, positioned at 0. Each view is taken when the host is about to read or
     * write the memory (which the simulated GPU checks against the copies that use it), so none is kept.
     */
    FloatBuffer floats() {
        return bytes().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The same memory as bytes, positioned at 0. */
    ByteBuffer bytes() {
        return cuda.getByteBuffer(pointer, 0, Math.max(bytes, 4));
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            LIVE_BYTES.addAndGet(-bytes);
            Cuda.runtime(cuda.cudaFreeHost(pointer), "cudaFreeHost", () -> bytes + " bytes");
        }
    }
}
