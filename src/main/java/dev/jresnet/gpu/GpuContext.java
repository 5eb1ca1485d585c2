package dev.jresnet.gpu;

import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;

/**
 * What every step of one network shares: its stream, its cuDNN and cuBLAS handles bound to that stream, and our
 * kernels. All of it is registered with the network's {@link Resources}.
 */
final class GpuContext {
    static final Pointer ONE = Pointer.to(new float[]{1f});
    static final Pointer ZERO = Pointer.to(new float[]{0f});

    final GpuInfo info;
    final cudaStream_t stream = new cudaStream_t();
    final cudnnHandle cudnn = new cudnnHandle();
    final cublasHandle cublas = new cublasHandle();
    final Kernels kernels;
    final AlgorithmCache algorithms;

    GpuContext(GpuInfo info, Resources resources, AlgorithmCache algorithms) {
        this.info = info;
        this.algorithms = algorithms;
        Cuda.runtime(JCuda.cudaSetDevice(info.device()), "cudaSetDevice", () -> "device " + info.device());
        Cuda.runtime(JCuda.cudaStreamCreateWithFlags(stream, JCuda.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        resources.onClose(() -> Cuda.runtime(JCuda.cudaStreamDestroy(stream), "cudaStreamDestroy"));
        Cuda.cudnn(JCudnn.cudnnCreate(cudnn), "cudnnCreate");
        resources.onClose(() -> Cuda.cudnn(JCudnn.cudnnDestroy(cudnn), "cudnnDestroy"));
        Cuda.cudnn(JCudnn.cudnnSetStream(cudnn, stream), "cudnnSetStream");
        Cuda.cublas(JCublas2.cublasCreate(cublas), "cublasCreate");
        resources.onClose(() -> Cuda.cublas(JCublas2.cublasDestroy(cublas), "cublasDestroy"));
        Cuda.cublas(JCublas2.cublasSetStream(cublas, stream), "cublasSetStream");
        // fp32 GEMMs stay fp32: no TF32 tensor-core rounding.
        Cuda.cublas(JCublas2.cublasSetMathMode(cublas, cublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        KernelModule module = resources.add(new KernelModule(info.driverCudaVersion()));
        this.kernels = new Kernels(module, new CUstream(stream), info.multiprocessors());
    }

    /** cuBLAS's version (major * 10000 + minor * 100 + patch), for reports. */
    int cublasVersion() {
        int[] v = {0};
        Cuda.cublas(JCublas2.cublasGetVersion(cublas, v), "cublasGetVersion");
        return v[0];
    }

    void synchronize(String after) {
        Cuda.runtime(JCuda.cudaStreamSynchronize(stream), "cudaStreamSynchronize", () -> "after " + after);
    }
}
