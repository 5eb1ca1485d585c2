package dev.jresnet.gpu;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

import java.nio.ByteBuffer;

/**
 * The seam between jresnet and the NVIDIA libraries: every call the GPU path makes into the CUDA runtime and driver,
 * cuDNN and cuBLAS, with JCuda's names, arguments and types, returning the library's status. {@link JCudaApi} forwards
 * each call unchanged to JCuda, so the code above this interface is exactly what runs on a GPU; the test suite puts a
 * simulated device behind it, which is how the GPU path runs in CI (see docs/GPU-CHECKS.md). Nothing else in jresnet
 * calls JCuda's JCuda, JCudaDriver, JCudnn or JCublas2 (a test scans the sources).
 *
 * <p>Implementations other than {@link JCudaApi} are installed only explicitly ({@link Gpu#install}); jresnet never
 * chooses one by itself.
 */
public interface CudaApi {
    /**
     * Makes the native libraries reachable before the first call (for JCuda: loads the NVIDIA libraries found on
     * this machine) and reports what was found. Called once per installation, before any other method.
     */
    NativeLibraries.Report loadLibraries();

    /** Where this implementation runs, for reports and test names: "CUDA" or "simulated". */
    String kind();

    // ---- Host view of page-locked memory (Pointer.getByteBuffer) ----

    ByteBuffer getByteBuffer(Pointer pointer, long byteOffset, long byteSize);

    // ---- CUDA runtime ----

    int cudaGetDeviceCount(int[] count);

    int cudaSetDevice(int device);

    int cudaGetDevice(int[] device);

    int cudaGetDeviceProperties(cudaDeviceProp prop, int device);

    int cudaDriverGetVersion(int[] version);

    int cudaRuntimeGetVersion(int[] version);

    int cudaMemGetInfo(long[] free, long[] total);

    int cudaMalloc(Pointer devPtr, long size);

    int cudaFree(Pointer devPtr);

    int cudaHostAlloc(Pointer hostPtr, long size, int flags);

    int cudaFreeHost(Pointer hostPtr);

    int cudaMemcpy(Pointer dst, Pointer src, long count, int kind);

    int cudaMemcpyAsync(Pointer dst, Pointer src, long count, int kind, cudaStream_t stream);

    int cudaStreamCreateWithFlags(cudaStream_t stream, int flags);

    int cudaStreamDestroy(cudaStream_t stream);

    int cudaStreamSynchronize(cudaStream_t stream);

    int cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, int flags);

    int cudaEventCreateWithFlags(cudaEvent_t event, int flags);

    int cudaEventRecord(cudaEvent_t event, cudaStream_t stream);

    int cudaEventSynchronize(cudaEvent_t event);

    int cudaEventDestroy(cudaEvent_t event);

    int cudaDeviceSynchronize();

    int cudaGetLastError();

    String cudaGetErrorString(int error);

    // ---- CUDA driver: our kernels and graphs ----

    int cuModuleLoadData(CUmodule module, byte[] image);

    int cuModuleUnload(CUmodule module);

    int cuModuleGetFunction(CUfunction function, CUmodule module, String name);

    int cuLaunchKernel(CUfunction f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ,
                       int sharedMemBytes, CUstream stream, Pointer kernelParams, Pointer extra);

    int cuStreamBeginCapture(CUstream stream, int mode);

    int cuStreamEndCapture(CUstream stream, CUgraph graph);

    int cuGraphInstantiate(CUgraphExec graphExec, CUgraph graph, long flags);

    int cuGraphLaunch(CUgraphExec graphExec, CUstream stream);

    int cuGraphDestroy(CUgraph graph);

    int cuGraphExecDestroy(CUgraphExec graphExec);

    // ---- cuDNN ----

    long cudnnGetVersion();

    int cudnnCreate(cudnnHandle handle);

    int cudnnDestroy(cudnnHandle handle);

    int cudnnSetStream(cudnnHandle handle, cudaStream_t stream);

    int cudnnCreateTensorDescriptor(cudnnTensorDescriptor desc);

    int cudnnSetTensor4dDescriptor(cudnnTensorDescriptor desc, int format, int dataType, int n, int c, int h, int w);

    int cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor desc, int dataType, int n, int c, int h, int w, int nStride,
                                     int cStride, int hStride, int wStride);

    int cudnnDestroyTensorDescriptor(cudnnTensorDescriptor desc);

    int cudnnCreateFilterDescriptor(cudnnFilterDescriptor desc);

    /** Mind the order: data type before format, unlike cudnnSetTensor4dDescriptor. */
    int cudnnSetFilter4dDescriptor(cudnnFilterDescriptor desc, int dataType, int format, int k, int c, int h, int w);

    int cudnnDestroyFilterDescriptor(cudnnFilterDescriptor desc);

    int cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor desc);

    int cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor desc, int padH, int padW, int strideH, int strideW,
                                        int dilationH, int dilationW, int mode, int computeType);

    int cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor desc, int groupCount);

    int cudnnSetConvolutionMathType(cudnnConvolutionDescriptor desc, int mathType);

    int cudnnGetConvolution2dForwardOutputDim(cudnnConvolutionDescriptor conv, cudnnTensorDescriptor x, cudnnFilterDescriptor w,
                                              int[] n, int[] c, int[] h, int[] wOut);

    int cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor desc);

    int cudnnCreateActivationDescriptor(cudnnActivationDescriptor desc);

    int cudnnSetActivationDescriptor(cudnnActivationDescriptor desc, int mode, int reluNanOpt, double coef);

    int cudnnDestroyActivationDescriptor(cudnnActivationDescriptor desc);

    int cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor desc);

    int cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor desc, int mode, int maxpoolingNanOpt, int windowHeight,
                                    int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride,
                                    int horizontalStride);

    int cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor desc);

    int cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle handle, cudnnTensorDescriptor x, cudnnFilterDescriptor w,
                                                cudnnConvolutionDescriptor conv, cudnnTensorDescriptor y, int algo,
                                                long[] sizeInBytes);

    int cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle handle, cudnnTensorDescriptor xDesc, Pointer x,
                                               cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc,
                                               cudnnTensorDescriptor yDesc, Pointer y, int requestedAlgoCount,
                                               int[] returnedAlgoCount, cudnnConvolutionFwdAlgoPerf[] perfResults,
                                               Pointer workSpace, long workSpaceSizeInBytes);

    int cudnnConvolutionForward(cudnnHandle handle, Pointer alpha, cudnnTensorDescriptor xDesc, Pointer x,
                                cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc, int algo,
                                Pointer workSpace, long workSpaceSizeInBytes, Pointer beta, cudnnTensorDescriptor yDesc,
                                Pointer y);

    int cudnnConvolutionBiasActivationForward(cudnnHandle handle, Pointer alpha1, cudnnTensorDescriptor xDesc, Pointer x,
                                              cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc,
                                              int algo, Pointer workSpace, long workSpaceSizeInBytes, Pointer alpha2,
                                              cudnnTensorDescriptor zDesc, Pointer z, cudnnTensorDescriptor biasDesc,
                                              Pointer bias, cudnnActivationDescriptor activationDesc,
                                              cudnnTensorDescriptor yDesc, Pointer y);

    int cudnnBatchNormalizationForwardInference(cudnnHandle handle, int mode, Pointer alpha, Pointer beta,
                                                cudnnTensorDescriptor xDesc, Pointer x, cudnnTensorDescriptor yDesc, Pointer y,
                                                cudnnTensorDescriptor bnScaleBiasMeanVarDesc, Pointer bnScale, Pointer bnBias,
                                                Pointer estimatedMean, Pointer estimatedVariance, double epsilon);

    int cudnnPoolingForward(cudnnHandle handle, cudnnPoolingDescriptor poolingDesc, Pointer alpha, cudnnTensorDescriptor xDesc,
                            Pointer x, Pointer beta, cudnnTensorDescriptor yDesc, Pointer y);

    int cudnnActivationForward(cudnnHandle handle, cudnnActivationDescriptor activationDesc, Pointer alpha,
                               cudnnTensorDescriptor xDesc, Pointer x, Pointer beta, cudnnTensorDescriptor yDesc, Pointer y);

    int cudnnAddTensor(cudnnHandle handle, Pointer alpha, cudnnTensorDescriptor aDesc, Pointer a, Pointer beta,
                       cudnnTensorDescriptor cDesc, Pointer c);

    // ---- cuBLAS ----

    int cublasCreate(cublasHandle handle);

    int cublasDestroy(cublasHandle handle);

    int cublasSetStream(cublasHandle handle, cudaStream_t stream);

    int cublasSetMathMode(cublasHandle handle, int mode);

    int cublasSetWorkspace(cublasHandle handle, Pointer workspace, long workspaceSizeInBytes);

    int cublasGetVersion(cublasHandle handle, int[] version);

    /** C = alpha * op(A) op(B) + beta * C, column-major, with each matrix's data type and the compute type given. */
    int cublasGemmEx(cublasHandle handle, int transa, int transb, int m, int n, int k, Pointer alpha, Pointer a, int aType,
                     int lda, Pointer b, int bType, int ldb, Pointer beta, Pointer c, int cType, int ldc, int computeType,
                     int algo);
}
