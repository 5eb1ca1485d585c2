package dev.jresnet.gpu.sim;

/**
 * One simulated GPU: what cudaGetDeviceProperties reports, and the memory the CUDA context and the libraries take
 * on it, which cudaMemGetInfo subtracts like a real device's.
 *
 * @param contextBytes         taken when the device is first used (CUDA's primary context: a few hundred MiB)
 * @param cudnnHandleBytes     taken by each cudnnCreate
 * @param cublasWorkspaceBytes taken by a cuBLAS handle on its first GEMM unless cublasSetWorkspace gave it memory
 * @param libraryKernelBytes   taken the first time a handle runs each kind of cuDNN operation (kernels loaded lazily)
 */
public record DeviceSpec(String name, int computeMajor, int computeMinor, long totalMemory, int multiprocessors,
                         long contextBytes, long cudnnHandleBytes, long cublasWorkspaceBytes, long libraryKernelBytes) {
    private static final long MIB = 1L << 20;

    /** A Turing card (sm_75), the oldest architecture jresnet's kernels target. */
    public static DeviceSpec turing(long totalMemory) {
        return new DeviceSpec("jresnet simulated GPU (sm_75)", 7, 5, totalMemory, 4, 300 * MIB, 8 * MIB, 4 * MIB, MIB);
    }

    /** A Hopper card (sm_90): cuBLAS takes a larger workspace there. */
    public static DeviceSpec hopper(long totalMemory) {
        return new DeviceSpec("jresnet simulated GPU (sm_90)", 9, 0, totalMemory, 4, 500 * MIB, 8 * MIB, 32 * MIB, MIB);
    }

    public DeviceSpec withMemory(long bytes) {
        return new DeviceSpec(name, computeMajor, computeMinor, bytes, multiprocessors, contextBytes, cudnnHandleBytes,
                cublasWorkspaceBytes, libraryKernelBytes);
    }

    int computeCapability() {
        return computeMajor * 10 + computeMinor;
    }
}
