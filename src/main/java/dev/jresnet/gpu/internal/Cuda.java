package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaException;
import dev.jresnet.gpu.CudnnStatus;
import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaError;

import java.util.function.Supplier;

/**
 * Turns the status of every CUDA runtime, driver, cuDNN and cuBLAS call into a {@link CudaException} naming the
 * call and its context (shapes, sizes). The context is built only on failure.
 */
public final class Cuda {
    private Cuda() {
    }

    /** A CUDA runtime API status (cudaError). */
    public static void runtime(int status, String call, Supplier<String> context) {
        if (status != cudaError.cudaSuccess) {
            throw new CudaException(call, status, cudaError.stringFor(status), context.get());
        }
    }

    public static void runtime(int status, String call) {
        runtime(status, call, () -> "");
    }

    /** A CUDA driver API status (CUresult). */
    public static void driver(int status, String call, Supplier<String> context) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call, status, CUresult.stringFor(status), context.get());
        }
    }

    /** A cuDNN status, named by cuDNN 9's table ({@link CudnnStatus}). */
    public static void cudnn(int status, String call, Supplier<String> context) {
        if (status != CudnnStatus.SUCCESS) {
            throw new CudaException(call, status, CudnnStatus.name(status), context.get());
        }
    }

    public static void cudnn(int status, String call) {
        cudnn(status, call, () -> "");
    }

    public static void cublas(int status, String call, Supplier<String> context) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call, status, cublasStatus.stringFor(status), context.get());
        }
    }

    public static void cublas(int status, String call) {
        cublas(status, call, () -> "");
    }
}
