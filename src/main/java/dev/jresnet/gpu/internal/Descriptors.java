package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.model.ConvSpec;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;

import java.util.HashMap;
import java.util.Map;

/**
 * Makes cuDNN descriptors in the network's precision and layout ({@link DevicePrecision}) and registers each one's
 * destruction with the network's {@link Resources}. Tensor descriptors are shared: made once per shape, type and
 * strides, whichever steps use them.
 */
final class Descriptors {
    private final CudaApi cuda;
    private final Resources resources;
    private final DevicePrecision precision;
    private final Map<String, cudnnTensorDescriptor> tensors = new HashMap<>();

    Descriptors(CudaApi cuda, Resources resources, DevicePrecision precision) {
        this.cuda = cuda;
        this.resources = resources;
        this.precision = precision;
    }

    /** An activation: (N, C, H, W) of the network's type, NCHW or NHWC as its precision lays them out. */
    cudnnTensorDescriptor tensor(int n, int c, int h, int w) {
        return made(precision.cudnnType, precision.tensorFormat(), n, c, h, w);
    }

    /** float32 NCHW, whatever the network's precision: batch norm's parameters. */
    cudnnTensorDescriptor floats(int n, int c, int h, int w) {
        return made(cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, n, c, h, w);
    }

    /** N vectors of C values of the network's type, each {@code sampleStride} elements after the last ((N, C, 1, 1)). */
    synchronized cudnnTensorDescriptor vectors(int n, int c, int sampleStride) {
        return tensors.computeIfAbsent(n + "x" + c + " every " + sampleStride + " " + precision, key -> {
            cudnnTensorDescriptor d = created();
            Cuda.cudnn(cuda.cudnnSetTensor4dDescriptorEx(d, precision.cudnnType, n, c, 1, 1, sampleStride, 1, c, c),
                    "cudnnSetTensor4dDescriptorEx", () -> key);
            return d;
        });
    }

    private synchronized cudnnTensorDescriptor made(int type, int format, int n, int c, int h, int w) {
        return tensors.computeIfAbsent(n + "x" + c + "x" + h + "x" + w + " type " + type + " format " + format, key -> {
            cudnnTensorDescriptor d = created();
            Cuda.cudnn(cuda.cudnnSetTensor4dDescriptor(d, format, type, n, c, h, w), "cudnnSetTensor4dDescriptor", () -> key);
            return d;
        });
    }

    private cudnnTensorDescriptor created() {
        cudnnTensorDescriptor d = new cudnnTensorDescriptor();
        Cuda.cudnn(cuda.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyTensorDescriptor(d), "cudnnDestroyTensorDescriptor"));
        return d;
    }

    /** Weights of a convolution: (out, in / groups, kH, kW), laid out as the network's activations are. */
    cudnnFilterDescriptor filter(ConvSpec s) {
        cudnnFilterDescriptor d = new cudnnFilterDescriptor();
        Cuda.cudnn(cuda.cudnnCreateFilterDescriptor(d), "cudnnCreateFilterDescriptor");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyFilterDescriptor(d), "cudnnDestroyFilterDescriptor"));
        Cuda.cudnn(cuda.cudnnSetFilter4dDescriptor(d, precision.cudnnType, precision.tensorFormat(), s.outChannels(),
                s.inChannels() / s.groups(), s.kernelH(), s.kernelW()), "cudnnSetFilter4dDescriptor", s::toString);
        return d;
    }

    /**
     * PyTorch's Conv2d is cuDNN's cross-correlation, accumulated in float32 whatever the storage, with the math type
     * given (cudnnMathType_t: FMA keeps fp32 free of TF32 rounding; the algorithm search says which each algorithm uses).
     */
    cudnnConvolutionDescriptor convolution(ConvSpec s, int mathType) {
        cudnnConvolutionDescriptor d = new cudnnConvolutionDescriptor();
        Cuda.cudnn(cuda.cudnnCreateConvolutionDescriptor(d), "cudnnCreateConvolutionDescriptor");
        resources.onClose(() -> Cuda.cudnn(cuda.cudnnDestroyConvolutionDescriptor(d), "cudnnDestroyConvolutionDescriptor"));
        Cuda.cudnn(cuda.cudnnSetConvolution2dDescriptor(d, s.padH(), s.padW(), s.strideH(), s.strideW(), s.dilationH(),
                s.dilationW(), cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT),
                "cudnnSetConvolution2dDescriptor", s::toString);
        Cuda.cudnn(cuda.cudnnSetConvolutionGroupCount(d, s.groups()), "cudnnSetConvolutionGroupCount", s::toString);
        Cuda.cudnn(cuda.cudnnSetConvolutionMathType(d, mathType), "cudnnSetConvolutionMathType", () -> "math type " + mathType);
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
