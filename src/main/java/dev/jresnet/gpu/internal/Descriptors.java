package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;

import dev.jresnet.model.ConvSpec;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

import java.util.HashMap;
import java.util.Map;

/**
 * Makes cuDNN descriptors (fp32, NCHW) and registers each one's destruction with the network's {@link Resources}.
 * Tensor descriptors are shared by shape: made once per (N, C, H, W), whichever steps use them.
 */
final class Descriptors {
    private final CudaApi cuda;
    private final Resources resources;
    private final Map<String, cudnnTensorDescriptor> tensors = new HashMap<>();

    Descriptors(CudaApi cuda, Resources resources) {
        this.cuda = cuda;
        this.resources = resources;
    }

    synchronized cudnnTensorDescriptor tensor(int n, int c, int h, int w) {
        return tensors.computeIfAbsent(n + "x" + c + "x" + h + "x" + w, key -> {
            cudnnTensorDescriptor d = new cudnnTensorDescriptor();
            Cuda.cudnn(cuda.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
            resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyTensorDescriptor(d), "cudnnDestroyTensorDescriptor"));
            Cuda.cudnn(cuda.cudnnSetTensor4dDescriptor(d, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT,
                    n, c, h, w), "cudnnSetTensor4dDescriptor", () -> key);
            return d;
        });
    }

    /** Weights of a convolution: (out, in / groups, kH, kW). */
    cudnnFilterDescriptor filter(ConvSpec s) {
        cudnnFilterDescriptor d = new cudnnFilterDescriptor();
        Cuda.cudnn(cuda.cudnnCreateFilterDescriptor(d), "cudnnCreateFilterDescriptor");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyFilterDescriptor(d), "cudnnDestroyFilterDescriptor"));
        Cuda.cudnn(cuda.cudnnSetFilter4dDescriptor(d, cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW,
                s.outChannels(), s.inChannels() / s.groups(), s.kernelH(), s.kernelW()), "cudnnSetFilter4dDescriptor", s::toString);
        return d;
    }

    /** PyTorch's Conv2d is cuDNN's cross-correlation; FMA math keeps fp32 free of TF32 tensor-core rounding. */
    cudnnConvolutionDescriptor convolution(ConvSpec s) {
        cudnnConvolutionDescriptor d = new cudnnConvolutionDescriptor();
        Cuda.cudnn(cuda.cudnnCreateConvolutionDescriptor(d), "cudnnCreateConvolutionDescriptor");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyConvolutionDescriptor(d), "cudnnDestroyConvolutionDescriptor"));
        Cuda.cudnn(cuda.cudnnSetConvolution2dDescriptor(d, s.padH(), s.padW(), s.strideH(), s.strideW(), s.dilationH(),
                s.dilationW(), cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT),
                "cudnnSetConvolution2dDescriptor", s::toString);
        Cuda.cudnn(cuda.cudnnSetConvolutionGroupCount(d, s.groups()), "cudnnSetConvolutionGroupCount", s::toString);
        Cuda.cudnn(cuda.cudnnSetConvolutionMathType(d, cudnnMathType.CUDNN_FMA_MATH), "cudnnSetConvolutionMathType");
        return d;
    }

    /**
     * @param propagateNan whether a NaN input gives NaN (PyTorch's ReLU) or 0; cudnnConvolutionBiasActivationForward
     *                     supports only the latter (CUDNN_NOT_PROPAGATE_NAN), cudnnActivationForward both
     */
    cudnnActivationDescriptor activation(int mode, boolean propagateNan) {
        cudnnActivationDescriptor d = new cudnnActivationDescriptor();
        Cuda.cudnn(cuda.cudnnCreateActivationDescriptor(d), "cudnnCreateActivationDescriptor");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyActivationDescriptor(d), "cudnnDestroyActivationDescriptor"));
        int nan = propagateNan ? cudnnNanPropagation.CUDNN_PROPAGATE_NAN : cudnnNanPropagation.CUDNN_NOT_PROPAGATE_NAN;
        Cuda.cudnn(cuda.cudnnSetActivationDescriptor(d, mode, nan, 0.0), "cudnnSetActivationDescriptor",
                () -> "mode " + mode + ", NaN option " + nan);
        return d;
    }

    cudnnPoolingDescriptor pooling(int mode, int windowH, int windowW, int padH, int padW, int strideH, int strideW) {
        cudnnPoolingDescriptor d = new cudnnPoolingDescriptor();
        Cuda.cudnn(cuda.cudnnCreatePoolingDescriptor(d), "cudnnCreatePoolingDescriptor");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyPoolingDescriptor(d), "cudnnDestroyPoolingDescriptor"));
        Cuda.cudnn(cuda.cudnnSetPooling2dDescriptor(d, mode, cudnnNanPropagation.CUDNN_PROPAGATE_NAN, windowH, windowW,
                padH, padW, strideH, strideW), "cudnnSetPooling2dDescriptor",
                () -> "window " + windowH + "x" + windowW + " pad " + padH + "x" + padW + " stride " + strideH + "x" + strideW);
        return d;
    }
}
