package dev.jresnet.gpu;

import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;

/** Device memory from cudaMalloc, freed by {@link #close()} (owned by a {@link Resources}). */
final class DeviceBuffer implements AutoCloseable {
    private final Pointer pointer = new Pointer();
    private final long bytes;
    private boolean freed;

    /**
     * @param what what the memory is for, named in the error when it cannot be had
     * @throws DeviceMemoryException when the device has not enough free memory
     */
    DeviceBuffer(long bytes, String what) {
        this.bytes = bytes;
        int status = JCuda.cudaMalloc(pointer, Math.max(bytes, 1));
        if (status == cudaError.cudaErrorMemoryAllocation) {
            JCuda.cudaGetLastError(); // reset the last-error state, so a later check does not report this failure again
            throw new DeviceMemoryException(bytes, what);
        }
        Cuda.runtime(status, "cudaMalloc", () -> bytes + " bytes for " + what);
    }

    /** Uploads floats (synchronously: used for weights at construction). */
    static DeviceBuffer of(float[] values, String what, Resources owner) {
        DeviceBuffer b = owner.add(new DeviceBuffer(4L * values.length, what));
        Cuda.runtime(JCuda.cudaMemcpy(b.pointer, Pointer.to(values), 4L * values.length,
                jcuda.runtime.cudaMemcpyKind.cudaMemcpyHostToDevice), "cudaMemcpy", () -> "upload of " + what);
        return b;
    }

    Pointer pointer() {
        return pointer;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            Cuda.runtime(JCuda.cudaFree(pointer), "cudaFree", () -> bytes + " bytes");
        }
    }
}
