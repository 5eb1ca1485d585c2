package dev.jresnet.gpu;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

import java.nio.ByteBuffer;

/**
 * The production side of {@link CudaApi}: each call forwarded unchanged to JCuda, JCudaDriver, JCudnn or JCublas2,
 * and nothing else. The only class that calls JCuda's native methods.
 */
public final class JCudaApi implements CudaApi {
    @Override
    public NativeLibraries.Report loadLibraries() {
        return NativeLibraries.load();
    }

    @Override
    public String kind() {
        return "CUDA";
    }

    @Override
    public ByteBuffer getByteBuffer(Pointer pointer, long byteOffset, long byteSize) {
        return pointer.getByteBuffer(byteOffset, byteSize);
    }

    @Override
    public int cudaGetDeviceCount(int[] count) {
        return JCuda.cudaGetDeviceCount(count);
    }

    @Override
    public int cudaSetDevice(int device) {
        return JCuda.cudaSetDevice(device);
    }

    @Override
    public int cudaGetDevice(int[] device) {
        return JCuda.cudaGetDevice(device);
    }

    @Override
    public int cudaGetDeviceProperties(cudaDeviceProp prop, int device) {
        return JCuda.cudaGetDeviceProperties(prop, device);
    }

    @Override
    public int cudaDriverGetVersion(int[] version) {
        return JCuda.cudaDriverGetVersion(version);
    }

    @Override
    public int cudaRuntimeGetVersion(int[] version) {
        return JCuda.cudaRuntimeGetVersion(version);
    }

    @Override
    public int cudaMemGetInfo(long[] free, long[] total) {
        return JCuda.cudaMemGetInfo(free, total);
    }

    @Override
    public int cudaMalloc(Pointer devPtr, long size) {
        return JCuda.cudaMalloc(devPtr, size);
    }

    @Override
    public int cudaFree(Pointer devPtr) {
        return JCuda.cudaFree(devPtr);
    }

    @Override
    public int cudaHostAlloc(Pointer hostPtr, long size, int flags) {
        return JCuda.cudaHostAlloc(hostPtr, size, flags);
    }

    @Override
    public int cudaFreeHost(Pointer hostPtr) {
        return JCuda.cudaFreeHost(hostPtr);
    }

    @Override
    public int cudaMemcpy(Pointer dst, Pointer src, long count, int kind) {
        return JCuda.cudaMemcpy(dst, src, count, kind);
    }

    @Override
    public int cudaMemcpyAsync(Pointer dst, Pointer src, long count, int kind, cudaStream_t stream) {
        return JCuda.cudaMemcpyAsync(dst, src, count, kind, stream);
    }

    @Override
    public int cudaStreamCreateWithFlags(cudaStream_t stream, int flags) {
        return JCuda.cudaStreamCreateWithFlags(stream, flags);
    }

    @Override
    public int cudaStreamDestroy(cudaStream_t stream) {
        return JCuda.cudaStreamDestroy(stream);
    }

    @Override
    public int cudaStreamSynchronize(cudaStream_t stream) {
        return JCuda.cudaStreamSynchronize(stream);
    }

    @Override
    public int cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, int flags) {
        return JCuda.cudaStreamWaitEvent(stream, event, flags);
    }

    @Override
    public int cudaEventCreateWithFlags(cudaEvent_t event, int flags) {
        return JCuda.cudaEventCreateWithFlags(event, flags);
    }

    @Override
    public int cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
        return JCuda.cudaEventRecord(event, stream);
    }

    @Override
    public int cudaEventSynchronize(cudaEvent_t event) {
        return JCuda.cudaEventSynchronize(event);
    }

    @Override
    public int cudaEventDestroy(cudaEvent_t event) {
        return JCuda.cudaEventDestroy(event);
    }

    @Override
    public int cudaDeviceSynchronize() {
        return JCuda.cudaDeviceSynchronize();
    }

    @Override
    public int cudaGetLastError() {
        return JCuda.cudaGetLastError();
    }

    @Override
    public String cudaGetErrorString(int error) {
        return JCuda.cudaGetErrorString(error);
    }

    @Override
    public int cuModuleLoadData(CUmodule module, byte[] image) {
        return JCudaDriver.cuModuleLoadData(module, image);
    }

    @Override
    public int cuModuleUnload(CUmodule module) {
        return JCudaDriver.cuModuleUnload(module);
    }

    @Override
    public int cuModuleGetFunction(CUfunction function, CUmodule module, String name) {
        return JCudaDriver.cuModuleGetFunction(function, module, name);
    }

    @Override
    public int cuLaunchKernel(CUfunction f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY,
            int blockDimZ, int sharedMemBytes, CUstream stream, Pointer kernelParams, Pointer extra) {
        return JCudaDriver.cuLaunchKernel(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ,
                sharedMemBytes, stream, kernelParams, extra);
    }

    @Override
    public int cuStreamBeginCapture(CUstream stream, int mode) {
        return JCudaDriver.cuStreamBeginCapture(stream, mode);
    }

    @Override
    public int cuStreamEndCapture(CUstream stream, CUgraph graph) {
        return JCudaDriver.cuStreamEndCapture(stream, graph);
    }

    @Override
    public int cuGraphInstantiate(CUgraphExec graphExec, CUgraph graph, long flags) {
        return JCudaDriver.cuGraphInstantiate(graphExec, graph, flags);
    }

    @Override
    public int cuGraphLaunch(CUgraphExec graphExec, CUstream stream) {
        return JCudaDriver.cuGraphLaunch(graphExec, stream);
    }

    @Override
    public int cuGraphDestroy(CUgraph graph) {
        return JCudaDriver.cuGraphDestroy(graph);
    }

    @Override
    public int cuGraphExecDestroy(CUgraphExec graphExec) {
        return JCudaDriver.cuGraphExecDestroy(graphExec);
    }

    @Override
    public long cudnnGetVersion() {
        return JCudnn.cudnnGetVersion();
    }

    @Override
    public int cudnnCreate(cudnnHandle handle) {
        return JCudnn.cudnnCreate(handle);
    }

    @Override
    public int cudnnDestroy(cudnnHandle handle) {
        return JCudnn.cudnnDestroy(handle);
    }

    @Override
    public int cudnnSetStream(cudnnHandle handle, cudaStream_t stream) {
        return JCudnn.cudnnSetStream(handle, stream);
    }

    @Override
    public int cudnnCreateTensorDescriptor(cudnnTensorDescriptor desc) {
        return JCudnn.cudnnCreateTensorDescriptor(desc);
    }

    @Override
    public int cudnnSetTensor4dDescriptor(cudnnTensorDescriptor desc, int format, int dataType, int n, int c, int h,
            int w) {
        return JCudnn.cudnnSetTensor4dDescriptor(desc, format, dataType, n, c, h, w);
    }

    @Override
    public int cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor desc, int dataType, int n, int c, int h, int w,
            int nStride, int cStride, int hStride, int wStride) {
        return JCudnn.cudnnSetTensor4dDescriptorEx(desc, dataType, n, c, h, w, nStride, cStride, hStride, wStride);
    }

    @Override
    public int cudnnDestroyTensorDescriptor(cudnnTensorDescriptor desc) {
        return JCudnn.cudnnDestroyTensorDescriptor(desc);
    }

    @Override
    public int cudnnCreateFilterDescriptor(cudnnFilterDescriptor desc) {
        return JCudnn.cudnnCreateFilterDescriptor(desc);
    }

    @Override
    public int cudnnSetFilter4dDescriptor(cudnnFilterDescriptor desc, int dataType, int format, int k, int c, int h,
            int w) {
        return JCudnn.cudnnSetFilter4dDescriptor(desc, dataType, format, k, c, h, w);
    }

    @Override
    public int cudnnDestroyFilterDescriptor(cudnnFilterDescriptor desc) {
        return JCudnn.cudnnDestroyFilterDescriptor(desc);
    }

    @Override
    public int cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor desc) {
        return JCudnn.cudnnCreateConvolutionDescriptor(desc);
    }

    @Override
    public int cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor desc, int padH, int padW, int strideH,
            int strideW, int dilationH, int dilationW, int mode, int computeType) {
        return JCudnn.cudnnSetConvolution2dDescriptor(desc, padH, padW, strideH, strideW, dilationH, dilationW, mode,
                computeType);
    }

    @Override
    public int cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor desc, int groupCount) {
        return JCudnn.cudnnSetConvolutionGroupCount(desc, groupCount);
    }

    @Override
    public int cudnnSetConvolutionMathType(cudnnConvolutionDescriptor desc, int mathType) {
        return JCudnn.cudnnSetConvolutionMathType(desc, mathType);
    }

    @Override
    public int cudnnGetConvolution2dForwardOutputDim(cudnnConvolutionDescriptor conv, cudnnTensorDescriptor x,
            cudnnFilterDescriptor w, int[] n, int[] c, int[] h, int[] wOut) {
        return JCudnn.cudnnGetConvolution2dForwardOutputDim(conv, x, w, n, c, h, wOut);
    }

    @Override
    public int cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor desc) {
        return JCudnn.cudnnDestroyConvolutionDescriptor(desc);
    }

    @Override
    public int cudnnCreateActivationDescriptor(cudnnActivationDescriptor desc) {
        return JCudnn.cudnnCreateActivationDescriptor(desc);
    }

    @Override
    public int cudnnSetActivationDescriptor(cudnnActivationDescriptor desc, int mode, int reluNanOpt, double coef) {
        return JCudnn.cudnnSetActivationDescriptor(desc, mode, reluNanOpt, coef);
    }

    @Override
    public int cudnnDestroyActivationDescriptor(cudnnActivationDescriptor desc) {
        return JCudnn.cudnnDestroyActivationDescriptor(desc);
    }

    @Override
    public int cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor desc) {
        return JCudnn.cudnnCreatePoolingDescriptor(desc);
    }

    @Override
    public int cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor desc, int mode, int maxpoolingNanOpt, int windowHeight,
            int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride) {
        return JCudnn.cudnnSetPooling2dDescriptor(desc, mode, maxpoolingNanOpt, windowHeight, windowWidth,
                verticalPadding, horizontalPadding, verticalStride, horizontalStride);
    }

    @Override
    public int cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor desc) {
        return JCudnn.cudnnDestroyPoolingDescriptor(desc);
    }

    @Override
    public int cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle handle, cudnnTensorDescriptor x,
            cudnnFilterDescriptor w, cudnnConvolutionDescriptor conv, cudnnTensorDescriptor y, int algo,
            long[] sizeInBytes) {
        return JCudnn.cudnnGetConvolutionForwardWorkspaceSize(handle, x, w, conv, y, algo, sizeInBytes);
    }

    @Override
    public int cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle handle, cudnnTensorDescriptor xDesc, Pointer x,
            cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc, cudnnTensorDescriptor yDesc,
            Pointer y, int requestedAlgoCount, int[] returnedAlgoCount, cudnnConvolutionFwdAlgoPerf[] perfResults,
            Pointer workSpace, long workSpaceSizeInBytes) {
        return JCudnn.cudnnFindConvolutionForwardAlgorithmEx(handle, xDesc, x, wDesc, w, convDesc, yDesc, y,
                requestedAlgoCount, returnedAlgoCount, perfResults, workSpace, workSpaceSizeInBytes);
    }

    @Override
    public int cudnnConvolutionForward(cudnnHandle handle, Pointer alpha, cudnnTensorDescriptor xDesc, Pointer x,
            cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc, int algo, Pointer workSpace,
            long workSpaceSizeInBytes, Pointer beta, cudnnTensorDescriptor yDesc, Pointer y) {
        return JCudnn.cudnnConvolutionForward(handle, alpha, xDesc, x, wDesc, w, convDesc, algo, workSpace,
                workSpaceSizeInBytes, beta, yDesc, y);
    }

    @Override
    public int cudnnConvolutionBiasActivationForward(cudnnHandle handle, Pointer alpha1, cudnnTensorDescriptor xDesc,
            Pointer x, cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc, int algo,
            Pointer workSpace, long workSpaceSizeInBytes, Pointer alpha2, cudnnTensorDescriptor zDesc, Pointer z,
            cudnnTensorDescriptor biasDesc, Pointer bias, cudnnActivationDescriptor activationDesc,
            cudnnTensorDescriptor yDesc, Pointer y) {
        return JCudnn.cudnnConvolutionBiasActivationForward(handle, alpha1, xDesc, x, wDesc, w, convDesc, algo,
                workSpace, workSpaceSizeInBytes, alpha2, zDesc, z, biasDesc, bias, activationDesc, yDesc, y);
    }

    @Override
    public int cudnnBatchNormalizationForwardInference(cudnnHandle handle, int mode, Pointer alpha, Pointer beta,
            cudnnTensorDescriptor xDesc, Pointer x, cudnnTensorDescriptor yDesc, Pointer y,
            cudnnTensorDescriptor bnScaleBiasMeanVarDesc, Pointer bnScale, Pointer bnBias, Pointer estimatedMean,
            Pointer estimatedVariance, double epsilon) {
        return JCudnn.cudnnBatchNormalizationForwardInference(handle, mode, alpha, beta, xDesc, x, yDesc, y,
                bnScaleBiasMeanVarDesc, bnScale, bnBias, estimatedMean, estimatedVariance, epsilon);
    }

    @Override
    public int cudnnPoolingForward(cudnnHandle handle, cudnnPoolingDescriptor poolingDesc, Pointer alpha,
            cudnnTensorDescriptor xDesc, Pointer x, Pointer beta, cudnnTensorDescriptor yDesc, Pointer y) {
        return JCudnn.cudnnPoolingForward(handle, poolingDesc, alpha, xDesc, x, beta, yDesc, y);
    }

    @Override
    public int cudnnActivationForward(cudnnHandle handle, cudnnActivationDescriptor activationDesc, Pointer alpha,
            cudnnTensorDescriptor xDesc, Pointer x, Pointer beta, cudnnTensorDescriptor yDesc, Pointer y) {
        return JCudnn.cudnnActivationForward(handle, activationDesc, alpha, xDesc, x, beta, yDesc, y);
    }

    @Override
    public int cudnnAddTensor(cudnnHandle handle, Pointer alpha, cudnnTensorDescriptor aDesc, Pointer a, Pointer beta,
            cudnnTensorDescriptor cDesc, Pointer c) {
        return JCudnn.cudnnAddTensor(handle, alpha, aDesc, a, beta, cDesc, c);
    }

    @Override
    public int cublasCreate(cublasHandle handle) {
        return JCublas2.cublasCreate(handle);
    }

    @Override
    public int cublasDestroy(cublasHandle handle) {
        return JCublas2.cublasDestroy(handle);
    }

    @Override
    public int cublasSetStream(cublasHandle handle, cudaStream_t stream) {
        return JCublas2.cublasSetStream(handle, stream);
    }

    @Override
    public int cublasSetMathMode(cublasHandle handle, int mode) {
        return JCublas2.cublasSetMathMode(handle, mode);
    }

    @Override
    public int cublasSetWorkspace(cublasHandle handle, Pointer workspace, long workspaceSizeInBytes) {
        return JCublas2.cublasSetWorkspace(handle, workspace, workspaceSizeInBytes);
    }

    @Override
    public int cublasGetVersion(cublasHandle handle, int[] version) {
        return JCublas2.cublasGetVersion(handle, version);
    }

    @Override
    public int cublasGemmEx(cublasHandle handle, int transa, int transb, int m, int n, int k, Pointer alpha, Pointer a,
            int aType, int lda, Pointer b, int bType, int ldb, Pointer beta, Pointer c, int cType, int ldc, int computeType,
            int algo) {
        return JCublas2.cublasGemmEx(handle, transa, transb, m, n, k, alpha, a, aType, lda, b, bType, ldb, beta, c, cType, ldc,
                computeType, algo);
    }
}
