package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.gpu.DeviceMemoryException;
import jcuda.Pointer;
import jcuda.runtime.cudaError;

import java.util.Locale;

/** Device memory from cudaMalloc, freed by {@link #close()} (owned by a {@link Resources}). */
final class DeviceBuffer implements AutoCloseable {
    private final CudaApi cuda;
    private final Pointer pointer = new Pointer();
    private final long bytes;
    private boolean freed;

    /**
     * @param what what the memory is for, named in the error when it cannot be had
     * @throws DeviceMemoryException when the device has not enough free memory
     */
    DeviceBuffer(CudaApi cuda, long bytes, String what) {
        this.cuda = cuda;
        this.bytes = bytes;
        int status = cuda.cudaMalloc(pointer, Math.max(bytes, 1));
        if (status == cudaError.cudaErrorMemoryAllocation) {
            cuda.cudaGetLastError(); // reset the last-error state, so a later check does not report this failure again
            throw new DeviceMemoryException(String.format(Locale.ROOT, "out of GPU memory: %.1f MiB for %s could not be "
                    + "allocated%s", bytes / 1048576.0, what, freeMemory(cuda)));
        }
        Cuda.runtime(status, "cudaMalloc", () -> bytes + " bytes for " + what);
    }

    /** " (F MiB free of T MiB)" for the current device, or "" when even that cannot be asked. */
    private static String freeMemory(CudaApi cuda) {
        long[] free = {0};
        long[] total = {0};
        if (cuda.cudaMemGetInfo(free, total) == cudaError.cudaSuccess) {
            return String.format(Locale.ROOT, " (%.1f MiB free of %.1f MiB)", free[0] / 1048576.0, total[0] / 1048576.0);
        }
        return "";
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
            Cuda.runtime(cuda.cudaFree(pointer), "cudaFree", () -> bytes + " bytes");
        }
    }
}
