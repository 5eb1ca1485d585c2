package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.gpu.GpuInfo;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;

/**
 * What every step of one network shares: the CUDA it talks to, its device and precision, its compute stream, its cuDNN
 * and cuBLAS handles bound to that stream, and our kernels. All of it is registered with the network's
 * {@link Resources}.
 */
final class GpuContext {
    static final Pointer ONE = Pointer.to(new float[]{1f});
    static final Pointer ZERO = Pointer.to(new float[]{0f});
    /** Stream handle 0: the legacy default stream. */
    private static final cudaStream_t LEGACY_STREAM = new cudaStream_t();

    final CudaApi cuda;
    final GpuInfo info;
    final DevicePrecision precision;
    final cudaStream_t stream = new cudaStream_t();
    final cudnnHandle cudnn = new cudnnHandle();
    final cublasHandle cublas = new cublasHandle();
    final Kernels kernels;
    final AlgorithmCache algorithms;

    GpuContext(CudaApi cuda, GpuInfo info, DevicePrecision precision, Resources resources, AlgorithmCache algorithms) {
        this.cuda = cuda;
        this.info = info;
        this.precision = precision;
        this.algorithms = algorithms;
        bindDevice();
        Cuda.runtime(cuda.cudaStreamCreateWithFlags(stream, JCuda.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        resources.onClose(() -> Cuda.runtime(cuda.cudaStreamDestroy(stream), "cudaStreamDestroy"));
        Cuda.cudnn(cuda.cudnnCreate(cudnn), "cudnnCreate");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroy(cudnn), "cudnnDestroy"));
        Cuda.cudnn(cuda.cudnnSetStream(cudnn, stream), "cudnnSetStream");
        Cuda.cublas(cuda.cublasCreate(cublas), "cublasCreate");
        resources.onClose(() -> Cuda.cublas(cuda.cublasDestroy(cublas), "cublasDestroy"));
        Cuda.cublas(cuda.cublasSetStream(cublas, stream), "cublasSetStream");
        // The classifier's GEMM names its compute type (DevicePrecision.gemmCompute); the handle's default math adds
        // no TF32 of its own.
        Cuda.cublas(cuda.cublasSetMathMode(cublas, cublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        // Without a workspace of its own, cuBLAS allocates one on the handle's first GEMM: inside a graph capture
        // that allocation is illegal, and it is memory the network's budget would not count.
        DeviceBuffer blasWorkspace = allocate(DeviceFootprint.cublasWorkspace(info), "the cuBLAS workspace", resources);
        Cuda.cublas(cuda.cublasSetWorkspace(cublas, blasWorkspace.pointer(), blasWorkspace.bytes()), "cublasSetWorkspace");
        KernelModule module = resources.add(new KernelModule(cuda, info));
        this.kernels = new Kernels(cuda, module, new CUstream(stream), precision, info.multiprocessors());
    }

    /** Makes this network's GPU the calling thread's current device (CUDA keeps it per thread). */
    void bindDevice() {
        Cuda.runtime(cuda.cudaSetDevice(info.device()), "cudaSetDevice", () -> "device " + info.device());
    }

    /** cuBLAS's version (major * 10000 + minor * 100 + patch), for reports. */
    int cublasVersion() {
        int[] v = {0};
        Cuda.cublas(cuda.cublasGetVersion(cublas, v), "cublasGetVersion");
        return v[0];
    }

    /**
     * Waits for the legacy default stream, where synchronous cudaMemcpy calls from pageable memory may still be
     * copying ("may return before the DMA to final destination has completed"), and which a non-blocking stream
     * does not wait for.
     */
    void awaitLegacyStream(String after) {
        Cuda.runtime(cuda.cudaStreamSynchronize(LEGACY_STREAM), "cudaStreamSynchronize(legacy default stream)",
                () -> "after " + after);
    }

    void synchronize(String after) {
        Cuda.runtime(cuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize", () -> "after " + after);
    }

    /** A device allocation owned by this network. */
    DeviceBuffer allocate(long bytes, String what, Resources owner) {
        return owner.add(new DeviceBuffer(cuda, bytes, what));
    }
}
