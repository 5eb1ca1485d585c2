package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.sim.math.Activation;
import dev.jresnet.gpu.sim.math.ActivationMath;
import dev.jresnet.gpu.sim.math.AddTensorMath;
import dev.jresnet.gpu.sim.math.BatchNormMath;
import dev.jresnet.gpu.sim.math.Blend;
import dev.jresnet.gpu.sim.math.ConvBiasActivationMath;
import dev.jresnet.gpu.sim.math.ConvGeometry;
import dev.jresnet.gpu.sim.math.ConvolutionMath;
import dev.jresnet.gpu.sim.math.PoolingGeometry;
import dev.jresnet.gpu.sim.math.PoolingMath;
import dev.jresnet.gpu.sim.math.PoolingMode;
import dev.jresnet.gpu.sim.math.Strided4d;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.cudaStream_t;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cuDNN 9 legacy-API calls jresnet makes, with the argument rules and refusals cuDNN's API reference documents
 * and cuDNN 9's status codes: descriptors (tensor strides and formats, the filter's own argument order, convolution
 * geometry, groups and math type), convolution with its algorithms and their workspaces, the fused
 * convolution+bias+activation call with its restrictions, batch norm inference, pooling, activation and AddTensor,
 * each blending with alpha and beta. The first use of each kind of operation on a handle loads kernels and takes
 * memory, as cuDNN's lazy loading does, which a stream capture does not allow.
 */
final class SimCudnn {
    // cudnnStatus_t in cuDNN 9.
    static final int SUCCESS = 0;
    static final int NOT_INITIALIZED = 1001;
    static final int BAD_PARAM = 2000;
    static final int BAD_PARAM_NULL_POINTER = 2002;
    static final int NOT_SUPPORTED = 3000;
    static final int INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED = 4004;
    static final int EXECUTION_FAILED = 5000;
    static final int EXECUTION_FAILED_CUDART = 5003;

    // Enumerations of the legacy API.
    static final int NCHW = 0;
    static final int NHWC = 1;
    static final int CONVOLUTION = 0;
    static final int CROSS_CORRELATION = 1;
    static final int DEFAULT_MATH = 0;
    static final int TENSOR_OP_MATH = 1;
    static final int TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
    static final int FMA_MATH = 3;
    static final int ACTIVATION_RELU = 1;
    static final int ACTIVATION_IDENTITY = 5;
    static final int NOT_PROPAGATE_NAN = 0;
    static final int PROPAGATE_NAN = 1;
    static final int POOLING_MAX = 0;
    static final int POOLING_AVERAGE_INCLUDE_PADDING = 1;
    static final int POOLING_AVERAGE_EXCLUDE_PADDING = 2;
    static final int POOLING_MAX_DETERMINISTIC = 3;
    static final int BATCHNORM_SPATIAL = 1;
    /** cudnn.h (8.x, and 9's cudnn_ops.h) defines CUDNN_BN_MIN_EPSILON as 0.0. */
    static final double BN_MIN_EPSILON = 0.0;
    static final int ALGO_COUNT = 8;
    static final int IMPLICIT_GEMM = 0;
    static final int IMPLICIT_PRECOMP_GEMM = 1;
    static final int GEMM = 2;
    static final int DIRECT = 3;
    static final int FFT = 4;
    static final int FFT_TILING = 5;
    static final int WINOGRAD = 6;
    static final int WINOGRAD_NONFUSED = 7;

    static final class Handle {
        final int device;
        SimStream stream;
        final Set<String> loadedKernels = new HashSet<>();
        final List<Allocation> memory = new ArrayList<>();

        Handle(int device, SimStream stream) {
            this.device = device;
            this.stream = stream;
        }
    }

    static final class TensorDesc {
        DataType type;
        Strided4d layout;
    }

    static final class FilterDesc {
        DataType type;
        int format;
        int k;
        int c;
        int h;
        int w;

        Strided4d layout() {
            return format == NHWC ? Strided4d.nhwc(k, c, h, w) : Strided4d.nchw(k, c, h, w);
        }
    }

    static final class ConvDesc {
        boolean set;
        int padH;
        int padW;
        int strideH;
        int strideW;
        int dilationH;
        int dilationW;
        int mode;
        DataType computeType;
        int groups = 1;
        int mathType = DEFAULT_MATH;

        ConvGeometry geometry() {
            return new ConvGeometry(padH, padW, strideH, strideW, dilationH, dilationW, groups, mode == CROSS_CORRELATION);
        }
    }

    static final class ActivationDesc {
        boolean set;
        int mode;
        int nanOpt;
    }

    static final class PoolingDesc {
        boolean set;
        int mode;
        int nanOpt;
        PoolingGeometry geometry;
    }

    private final Machine m;
    final Registry<Handle> handles = new Registry<>("cudnnHandle", 0x6100_0000L);
    final Registry<TensorDesc> tensors = new Registry<>("cudnnTensorDescriptor", 0x6200_0000L);
    final Registry<FilterDesc> filters = new Registry<>("cudnnFilterDescriptor", 0x6300_0000L);
    final Registry<ConvDesc> convolutions = new Registry<>("cudnnConvolutionDescriptor", 0x6400_0000L);
    final Registry<ActivationDesc> activations = new Registry<>("cudnnActivationDescriptor", 0x6500_0000L);
    final Registry<PoolingDesc> poolings = new Registry<>("cudnnPoolingDescriptor", 0x6600_0000L);

    SimCudnn(Machine m) {
        this.m = m;
    }

    public long cudnnGetVersion() {
        return m.config.cudnnVersion();
    }

    // ---- handles ----

    public int cudnnCreate(cudnnHandle handle) {
        int d = m.current();
        m.startContext(d);
        long bytes = m.spec(d).cudnnHandleBytes();
        if (bytes > m.freeBytes(d)) {
            return m.refuse(INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED, "cudnnCreate", "no room for the handle's " + bytes + " bytes");
        }
        Handle h = handles.create(handle, new Handle(d, m.legacyStream(d)), Machine.callSite());
        h.memory.add(m.takeLibraryMemory(d, bytes, "cuDNN handle"));
        return SUCCESS;
    }

    public int cudnnDestroy(cudnnHandle handle) {
        Handle h = handles.get(handle, "cudnnDestroy");
        if (h == null) {
            return m.refuse(BAD_PARAM, "cudnnDestroy", "null handle");
        }
        m.drainDevice(h.device); // cudnnDestroy synchronizes the device
        handles.destroy(handle, "cudnnDestroy");
        for (Allocation a : h.memory) {
            m.memory.free(a, "cudnnDestroy");
        }
        return SUCCESS;
    }

    public int cudnnSetStream(cudnnHandle handle, cudaStream_t stream) {
        Handle h = handles.get(handle, "cudnnSetStream");
        if (h == null) {
            return m.refuse(BAD_PARAM, "cudnnSetStream", "null handle");
        }
        h.stream = m.stream(stream, "cudnnSetStream");
        return SUCCESS;
    }

    // ---- descriptors ----

    public int cudnnCreateTensorDescriptor(cudnnTensorDescriptor desc) {
        tensors.create(desc, new TensorDesc(), Machine.callSite());
        return SUCCESS;
    }

    public int cudnnSetTensor4dDescriptor(cudnnTensorDescriptor desc, int format, int dataType, int n, int c, int h, int w) {
        String call = "cudnnSetTensor4dDescriptor";
        if (format != NCHW && format != NHWC) {
            return m.refuse(BAD_PARAM, call, "format " + format + " (NCHW is 0, NHWC 1; NCHW_VECT_C is not modelled)");
        }
        Strided4d layout = n < 1 || c < 1 || h < 1 || w < 1 ? null
                : format == NHWC ? Strided4d.nhwc(n, c, h, w) : Strided4d.nchw(n, c, h, w);
        return setTensor(desc, dataType, layout, n + "x" + c + "x" + h + "x" + w, call);
    }

    public int cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor desc, int dataType, int n, int c, int h, int w,
                                            int nStride, int cStride, int hStride, int wStride) {
        boolean valid = n > 0 && c > 0 && h > 0 && w > 0 && nStride > 0 && cStride > 0 && hStride > 0 && wStride > 0;
        return setTensor(desc, dataType, valid ? new Strided4d(n, c, h, w, nStride, cStride, hStride, wStride, 0) : null,
                n + "x" + c + "x" + h + "x" + w + " strides " + nStride + "," + cStride + "," + hStride + "," + wStride,
                "cudnnSetTensor4dDescriptorEx");
    }

    private int setTensor(cudnnTensorDescriptor desc, int dataType, Strided4d layout, String dims, String call) {
        TensorDesc t = tensors.get(desc, call);
        if (t == null) {
            return m.refuse(BAD_PARAM, call, "null descriptor");
        }
        DataType type = DataType.of(dataType);
        if (type == null) {
            return m.refuse(BAD_PARAM, call, "data type " + dataType);
        }
        if (layout == null) {
            return m.refuse(BAD_PARAM, call, "dimensions and strides must be positive: " + dims);
        }
        if (layout.span() > Integer.MAX_VALUE) {
            // "The total size of the tensor descriptor exceeds the maximum limit of 2 Giga-elements."
            return m.refuse(NOT_SUPPORTED, call, dims + " spans " + layout.span() + " elements, over 2^31 - 1");
        }
        t.type = type;
        t.layout = layout;
        return SUCCESS;
    }

    public int cudnnDestroyTensorDescriptor(cudnnTensorDescriptor desc) {
        tensors.destroy(desc, "cudnnDestroyTensorDescriptor");
        return SUCCESS;
    }

    public int cudnnCreateFilterDescriptor(cudnnFilterDescriptor desc) {
        filters.create(desc, new FilterDesc(), Machine.callSite());
        return SUCCESS;
    }

    public int cudnnSetFilter4dDescriptor(cudnnFilterDescriptor desc, int dataType, int format, int k, int c, int h, int w) {
        String call = "cudnnSetFilter4dDescriptor";
        FilterDesc f = filters.get(desc, call);
        if (f == null) {
            return m.refuse(BAD_PARAM, call, "null descriptor");
        }
        DataType type = DataType.of(dataType);
        if (type == null || (format != NCHW && format != NHWC) || k < 1 || c < 1 || h < 1 || w < 1) {
            return m.refuse(BAD_PARAM, call, "data type " + dataType + ", format " + format + ", " + k + "x" + c + "x" + h
                    + "x" + w + " (the data type comes before the format here, unlike tensor descriptors)");
        }
        f.type = type;
        f.format = format;
        f.k = k;
        f.c = c;
        f.h = h;
        f.w = w;
        return SUCCESS;
    }

    public int cudnnDestroyFilterDescriptor(cudnnFilterDescriptor desc) {
        filters.destroy(desc, "cudnnDestroyFilterDescriptor");
        return SUCCESS;
    }

    public int cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor desc) {
        convolutions.create(desc, new ConvDesc(), Machine.callSite());
        return SUCCESS;
    }

    public int cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor desc, int padH, int padW, int strideH, int strideW,
                                               int dilationH, int dilationW, int mode, int computeType) {
        String call = "cudnnSetConvolution2dDescriptor";
        ConvDesc cd = convolutions.get(desc, call);
        if (cd == null) {
            return m.refuse(BAD_PARAM, call, "null descriptor");
        }
        DataType compute = DataType.of(computeType);
        if (padH < 0 || padW < 0 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1
                || (mode != CONVOLUTION && mode != CROSS_CORRELATION) || compute == null) {
            return m.refuse(BAD_PARAM, call, String.format(Locale.ROOT, "pad %dx%d stride %dx%d dilation %dx%d mode %d "
                    + "compute type %d", padH, padW, strideH, strideW, dilationH, dilationW, mode, computeType));
        }
        cd.set = true;
        cd.padH = padH;
        cd.padW = padW;
        cd.strideH = strideH;
        cd.strideW = strideW;
        cd.dilationH = dilationH;
        cd.dilationW = dilationW;
        cd.mode = mode;
        cd.computeType = compute;
        return SUCCESS;
    }

    public int cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor desc, int groupCount) {
        ConvDesc cd = convolutions.get(desc, "cudnnSetConvolutionGroupCount");
        if (cd == null || groupCount < 1) {
            return m.refuse(BAD_PARAM, "cudnnSetConvolutionGroupCount", "group count " + groupCount);
        }
        cd.groups = groupCount;
        return SUCCESS;
    }

    public int cudnnSetConvolutionMathType(cudnnConvolutionDescriptor desc, int mathType) {
        ConvDesc cd = convolutions.get(desc, "cudnnSetConvolutionMathType");
        if (cd == null || mathType < DEFAULT_MATH || mathType > FMA_MATH) {
            return m.refuse(BAD_PARAM, "cudnnSetConvolutionMathType", "math type " + mathType);
        }
        cd.mathType = mathType;
        return SUCCESS;
    }

    public int cudnnGetConvolution2dForwardOutputDim(cudnnConvolutionDescriptor conv, cudnnTensorDescriptor x,
                                                     cudnnFilterDescriptor w, int[] n, int[] c, int[] h, int[] wOut) {
        String call = "cudnnGetConvolution2dForwardOutputDim";
        ConvDesc cd = convolutions.get(conv, call);
        TensorDesc xd = tensors.get(x, call);
        FilterDesc fd = filters.get(w, call);
        String bad = unset(cd, xd, fd);
        if (bad == null && xd.layout.c() != fd.c * cd.groups) {
            bad = "x has " + xd.layout.c() + " channels, the filter takes " + fd.c + " x " + cd.groups + " groups";
        }
        if (bad != null) {
            return m.refuse(BAD_PARAM, call, bad);
        }
        ConvGeometry g = cd.geometry();
        n[0] = xd.layout.n();
        c[0] = fd.k;
        h[0] = g.outputHeight(xd.layout.h(), fd.h);
        wOut[0] = g.outputWidth(xd.layout.w(), fd.w);
        return SUCCESS;
    }

    public int cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor desc) {
        convolutions.destroy(desc, "cudnnDestroyConvolutionDescriptor");
        return SUCCESS;
    }

    public int cudnnCreateActivationDescriptor(cudnnActivationDescriptor desc) {
        activations.create(desc, new ActivationDesc(), Machine.callSite());
        return SUCCESS;
    }

    public int cudnnSetActivationDescriptor(cudnnActivationDescriptor desc, int mode, int reluNanOpt, double coef) {
        ActivationDesc a = activations.get(desc, "cudnnSetActivationDescriptor");
        if (a == null || mode < 0 || mode > 6 || (reluNanOpt != NOT_PROPAGATE_NAN && reluNanOpt != PROPAGATE_NAN)) {
            return m.refuse(BAD_PARAM, "cudnnSetActivationDescriptor", "mode " + mode + ", NaN option " + reluNanOpt);
        }
        a.set = true;
        a.mode = mode;
        a.nanOpt = reluNanOpt;
        return SUCCESS;
    }

    public int cudnnDestroyActivationDescriptor(cudnnActivationDescriptor desc) {
        activations.destroy(desc, "cudnnDestroyActivationDescriptor");
        return SUCCESS;
    }

    public int cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor desc) {
        poolings.create(desc, new PoolingDesc(), Machine.callSite());
        return SUCCESS;
    }

    public int cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor desc, int mode, int maxpoolingNanOpt, int windowHeight,
                                           int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride,
                                           int horizontalStride) {
        PoolingDesc p = poolings.get(desc, "cudnnSetPooling2dDescriptor");
        if (p == null || mode < POOLING_MAX || mode > POOLING_MAX_DETERMINISTIC
                || (maxpoolingNanOpt != NOT_PROPAGATE_NAN && maxpoolingNanOpt != PROPAGATE_NAN) || windowHeight < 1
                || windowWidth < 1 || verticalPadding < 0 || horizontalPadding < 0 || verticalStride < 1 || horizontalStride < 1) {
            return m.refuse(BAD_PARAM, "cudnnSetPooling2dDescriptor", String.format(Locale.ROOT, "mode %d, NaN %d, window "
                    + "%dx%d, pad %dx%d, stride %dx%d", mode, maxpoolingNanOpt, windowHeight, windowWidth, verticalPadding,
                    horizontalPadding, verticalStride, horizontalStride));
        }
        p.set = true;
        p.mode = mode;
        p.nanOpt = maxpoolingNanOpt;
        p.geometry = new PoolingGeometry(windowHeight, windowWidth, verticalPadding, horizontalPadding, verticalStride,
                horizontalStride);
        return SUCCESS;
    }

    public int cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor desc) {
        poolings.destroy(desc, "cudnnDestroyPoolingDescriptor");
        return SUCCESS;
    }

    /** Null or never-set descriptors among the arguments, named; null when all are set. */
    private static String unset(Object... descriptors) {
        for (Object d : descriptors) {
            boolean isSet = d instanceof TensorDesc t ? t.layout != null
                    : d instanceof FilterDesc f ? f.type != null
                    : d instanceof ConvDesc c ? c.set
                    : d instanceof ActivationDesc a ? a.set
                    : d instanceof PoolingDesc p && p.set;
            if (!isSet) {
                return d == null ? "a descriptor is null" : "a " + d.getClass().getSimpleName() + " was never set";
            }
        }
        return null;
    }

    // ---- convolution: applicability and workspace of each algorithm ----

    /** What one convolution call is: its descriptors, checked against each other. */
    private record ConvProblem(TensorDesc x, FilterDesc w, ConvDesc conv, TensorDesc y, int outH, int outW) {
        long flops() {
            return 2L * y.layout.n() * y.layout.c() * outH * outW * w.c * w.h * w.w;
        }

        int elementBytes() {
            return x.type.bytes;
        }

        boolean unitStrideAndDilation() {
            return conv.strideH == 1 && conv.strideW == 1 && conv.dilationH == 1 && conv.dilationW == 1;
        }
    }

    /** The problem, or the refusal (status and reason) of cuDNN's checks on the descriptors for a handle's GPU. */
    private Object problem(String call, Handle h, TensorDesc x, FilterDesc w, ConvDesc conv, TensorDesc y) {
        String bad = unset(x, w, conv, y);
        if (bad != null) {
            return m.refuse(BAD_PARAM, call, bad);
        }
        if (x.type != w.type || x.type != y.type || !supportedCompute(x.type, conv.computeType)) {
            return m.refuse(NOT_SUPPORTED, call, "data types x " + x.type + ", w " + w.type + ", y " + y.type + " with compute "
                    + conv.computeType + " are not a configuration cuDNN supports");
        }
        if (x.type == DataType.BFLOAT16 && m.spec(h.device).computeMajor() < 8) {
            return m.refuse(NOT_SUPPORTED, call, "bfloat16 convolutions (PSEUDO_BFLOAT16_CONFIG) need compute capability 8.0; "
                    + "this GPU has " + m.spec(h.device).computeMajor() + "." + m.spec(h.device).computeMinor());
        }
        if (x.layout.c() != w.c * conv.groups || w.k % conv.groups != 0) {
            return m.refuse(BAD_PARAM, call, "x has " + x.layout.c() + " channels; the filter " + w.k + "x" + w.c + "x" + w.h
                    + "x" + w.w + " with " + conv.groups + " groups takes " + w.c * conv.groups);
        }
        ConvGeometry g = conv.geometry();
        int outH = g.outputHeight(x.layout.h(), w.h);
        int outW = g.outputWidth(x.layout.w(), w.w);
        if (outH < 1 || outW < 1 || y.layout.n() != x.layout.n() || y.layout.c() != w.k || y.layout.h() != outH
                || y.layout.w() != outW) {
            return m.refuse(BAD_PARAM, call, "y is " + y.layout.dimsString() + "; this convolution of x " + x.layout.dimsString()
                    + " gives " + x.layout.n() + "x" + w.k + "x" + outH + "x" + outW);
        }
        // Packed NHWC has channel stride 1 and width stride C; with one channel both layouts are the same.
        boolean xChannelsLast = x.layout.cStride() == 1 && x.layout.wStride() == x.layout.c();
        if ((w.format == NHWC) != xChannelsLast && x.layout.c() > 1) {
            return m.refuse(NOT_SUPPORTED, call, "filter format " + (w.format == NHWC ? "NHWC" : "NCHW")
                    + " with an input laid out " + (xChannelsLast ? "channels last" : "channels first"));
        }
        return new ConvProblem(x, w, conv, y, outH, outW);
    }

    private static boolean supportedCompute(DataType data, DataType compute) {
        return switch (data) {
            case FLOAT -> compute == DataType.FLOAT;
            case HALF -> compute == DataType.FLOAT || compute == DataType.HALF;
            case BFLOAT16 -> compute == DataType.FLOAT;
            case DOUBLE -> compute == DataType.DOUBLE;
        };
    }

    private static boolean applicable(ConvProblem p, int algo) {
        boolean plain = p.conv.groups == 1;
        return switch (algo) {
            case IMPLICIT_GEMM, IMPLICIT_PRECOMP_GEMM -> true;
            case GEMM -> plain;
            case FFT, FFT_TILING -> plain && p.unitStrideAndDilation() && p.w.h <= 32 && p.w.w <= 32;
            case WINOGRAD -> plain && p.unitStrideAndDilation() && p.w.h == 3 && p.w.w == 3;
            case WINOGRAD_NONFUSED -> plain && p.unitStrideAndDilation() && p.w.h == p.w.w && (p.w.h == 3 || p.w.h == 5);
            default -> false; // DIRECT has no implementation in cuDNN
        };
    }

    /** The workspace each algorithm needs: none for the implicit GEMMs, an unrolled input for GEMM, transforms for the rest. */
    private static long workspace(ConvProblem p, int algo) {
        long n = p.x.layout.n();
        long e = p.elementBytes();
        long channels = p.x.layout.c() + p.w.k;
        return switch (algo) {
            case IMPLICIT_PRECOMP_GEMM -> 16L * p.w.c * p.w.h * p.w.w;
            case GEMM -> p.w.h == 1 && p.w.w == 1 && p.unitStrideAndDilation() && p.conv.padH == 0 && p.conv.padW == 0 ? 0
                    : e * p.w.c * p.w.h * p.w.w * p.outH * p.outW;
            case FFT -> e * 2 * n * channels * Long.highestOneBit(2L * (p.x.layout.h() + p.w.h) - 1)
                    * Long.highestOneBit(2L * (p.x.layout.w() + p.w.w) - 1);
            case FFT_TILING -> e * 2 * n * channels * 32 * 32;
            case WINOGRAD_NONFUSED -> e * n * channels * ((p.outH + 3) / 4) * ((p.outW + 3) / 4) * 36;
            default -> 0;
        };
    }

    /** A made-up but fixed time per algorithm, so that algorithm choice by time and workspace can be exercised. */
    private static float milliseconds(ConvProblem p, int algo) {
        double gflops = switch (algo) {
            case IMPLICIT_GEMM -> 4000;
            case IMPLICIT_PRECOMP_GEMM -> 6000;
            case GEMM -> 5000;
            case FFT -> 5500;
            case FFT_TILING -> 5800;
            case WINOGRAD -> 9000;
            default -> 8500;
        };
        return (float) (p.flops() / (gflops * 1e6));
    }

    public int cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle handle, cudnnTensorDescriptor x, cudnnFilterDescriptor w,
                                                       cudnnConvolutionDescriptor conv, cudnnTensorDescriptor y, int algo,
                                                       long[] sizeInBytes) {
        String call = "cudnnGetConvolutionForwardWorkspaceSize";
        if (handles.get(handle, call) == null) {
            return m.refuse(BAD_PARAM, call, "null handle");
        }
        Object p = problem(call, handles.get(handle, call), tensors.get(x, call), filters.get(w, call), convolutions.get(conv, call),
                tensors.get(y, call));
        if (p instanceof Integer status) {
            return status;
        }
        if (!applicable((ConvProblem) p, algo)) {
            return m.refuse(NOT_SUPPORTED, call, "algorithm " + algo + " does not apply to this convolution");
        }
        sizeInBytes[0] = workspace((ConvProblem) p, algo);
        return SUCCESS;
    }

    public int cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle handle, cudnnTensorDescriptor xDesc, Pointer x,
                                                      cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc,
                                                      cudnnTensorDescriptor yDesc, Pointer y, int requestedAlgoCount,
                                                      int[] returnedAlgoCount, cudnnConvolutionFwdAlgoPerf[] perfResults,
                                                      Pointer workSpace, long workSpaceSizeInBytes) {
        String call = "cudnnFindConvolutionForwardAlgorithmEx";
        Handle h = handles.get(handle, call);
        if (h == null) {
            return m.refuse(BAD_PARAM, call, "null handle");
        }
        Object p = problem(call, h, tensors.get(xDesc, call), filters.get(wDesc, call), convolutions.get(convDesc, call),
                tensors.get(yDesc, call));
        if (p instanceof Integer status) {
            return status;
        }
        ConvProblem cp = (ConvProblem) p;
        if (m.disturbsCapture(call)) {
            return m.refuse(EXECUTION_FAILED_CUDART, call, "it synchronizes, which a stream capture forbids");
        }
        m.hostSynchronizes(h.stream);
        // It runs the algorithms on the caller's buffers: all must be there, and y is overwritten.
        tensorRegion(x, cp.x, h, call, "x");
        filterRegion(w, cp.w, h, call);
        AddressSpace.Region yr = tensorRegion(y, cp.y, h, call, "y");
        if (workSpaceSizeInBytes > 0) {
            poison(region(workSpace, workSpaceSizeInBytes, h, call, "workspace"));
        }
        poison(yr);
        return measure(cp, requestedAlgoCount, returnedAlgoCount, perfResults, workSpaceSizeInBytes);
    }

    /** Fills the results: usable algorithms by time, then those refused (inapplicable, or short of workspace). */
    private int measure(ConvProblem p, int requested, int[] returned, cudnnConvolutionFwdAlgoPerf[] perf, long workspaceLimit) {
        if (requested < 1 || perf.length < requested) {
            return m.refuse(BAD_PARAM, "cudnnFindConvolutionForwardAlgorithmEx", "requested " + requested + " results into an "
                    + "array of " + perf.length);
        }
        List<cudnnConvolutionFwdAlgoPerf> results = new ArrayList<>();
        for (int algo = 0; algo < ALGO_COUNT; algo++) {
            cudnnConvolutionFwdAlgoPerf r = new cudnnConvolutionFwdAlgoPerf();
            r.algo = algo;
            r.mathType = p.conv.mathType;
            r.memory = applicable(p, algo) ? workspace(p, algo) : 0;
            r.status = !applicable(p, algo) || r.memory > workspaceLimit ? NOT_SUPPORTED : SUCCESS;
            r.time = r.status == SUCCESS ? milliseconds(p, algo) : -1;
            results.add(r);
        }
        results.sort(Comparator.comparing((cudnnConvolutionFwdAlgoPerf r) -> r.status != SUCCESS)
                .thenComparing(r -> r.time));
        int count = Math.min(requested, results.size());
        for (int i = 0; i < count; i++) {
            cudnnConvolutionFwdAlgoPerf r = results.get(i);
            perf[i].algo = r.algo;
            perf[i].status = r.status;
            perf[i].time = r.time;
            perf[i].memory = r.memory;
            perf[i].mathType = r.mathType;
        }
        returned[0] = count;
        return SUCCESS;
    }

    // ---- operations ----

    public int cudnnConvolutionForward(cudnnHandle handle, Pointer alpha, cudnnTensorDescriptor xDesc, Pointer x,
                                       cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc, int algo,
                                       Pointer workSpace, long workSpaceSizeInBytes, Pointer beta, cudnnTensorDescriptor yDesc,
                                       Pointer y) {
        String call = "cudnnConvolutionForward";
        Handle h = handles.get(handle, call);
        if (h == null) {
            return m.refuse(BAD_PARAM, call, "null handle");
        }
        if (m.stickyFault(h.device) != null) {
            return EXECUTION_FAILED;
        }
        Object p = problem(call, h, tensors.get(xDesc, call), filters.get(wDesc, call), convolutions.get(convDesc, call),
                tensors.get(yDesc, call));
        if (p instanceof Integer status) {
            return status;
        }
        ConvProblem cp = (ConvProblem) p;
        int status = checkAlgorithm(cp, algo, workSpace, workSpaceSizeInBytes, h, call);
        if (status != SUCCESS) {
            return status;
        }
        float a = (float) HostMemory.scalar(alpha, false, call, "alpha");
        float b = (float) HostMemory.scalar(beta, false, call, "beta");
        status = loadKernels(h, "convolution algorithm " + algo, call);
        if (status != SUCCESS) {
            return status;
        }
        boolean tf32 = tf32(cp, h);
        long xp = JCudaObjects.target(x);
        long wp = JCudaObjects.target(w);
        long yp = JCudaObjects.target(y);
        tensorRegion(x, cp.x, h, call, "x");
        filterRegion(w, cp.w, h, call);
        tensorRegion(y, cp.y, h, call, "y");
        return enqueue(h, call + " " + describe(cp), () -> {
            float[] xv = readTensor(xp, cp.x, h, call, "x", tf32);
            float[] wv = readFilter(wp, cp.w, h, call, tf32);
            float[] raw = new float[(int) cp.y.layout.span()];
            ConvolutionMath.forward(xv, cp.x.layout, wv, cp.w.layout(), cp.conv.geometry(), raw, cp.y.layout);
            blendInto(yp, cp.y, h, call, a, raw, b);
        });
    }

    public int cudnnConvolutionBiasActivationForward(cudnnHandle handle, Pointer alpha1, cudnnTensorDescriptor xDesc, Pointer x,
                                                     cudnnFilterDescriptor wDesc, Pointer w, cudnnConvolutionDescriptor convDesc,
                                                     int algo, Pointer workSpace, long workSpaceSizeInBytes, Pointer alpha2,
                                                     cudnnTensorDescriptor zDesc, Pointer z, cudnnTensorDescriptor biasDesc,
                                                     Pointer bias, cudnnActivationDescriptor activationDesc,
                                                     cudnnTensorDescriptor yDesc, Pointer y) {
        String call = "cudnnConvolutionBiasActivationForward";
        Handle h = handles.get(handle, call);
        if (h == null) {
            return m.refuse(BAD_PARAM, call, "null handle");
        }
        if (m.stickyFault(h.device) != null) {
            return EXECUTION_FAILED;
        }
        TensorDesc zd = tensors.get(zDesc, call);
        TensorDesc bd = tensors.get(biasDesc, call);
        ActivationDesc act = activations.get(activationDesc, call);
        String bad = unset(zd, bd, act);
        if (bad != null) {
            return m.refuse(BAD_PARAM, call, bad + " (z, bias and activation descriptors may not be null)");
        }
        for (Pointer ptr : new Pointer[]{x, w, z, bias, y}) {
            if (JCudaObjects.target(ptr) == 0) {
                return m.refuse(BAD_PARAM, call, "x, w, z, bias and y may not be null pointers");
            }
        }
        Object p = problem(call, h, tensors.get(xDesc, call), filters.get(wDesc, call), convolutions.get(convDesc, call),
                tensors.get(yDesc, call));
        if (p instanceof Integer status) {
            return status;
        }
        ConvProblem cp = (ConvProblem) p;
        // The NOT_SUPPORTED cases of cudnnConvolutionBiasActivationForward's API reference.
        if (act.mode != ACTIVATION_RELU && act.mode != ACTIVATION_IDENTITY) {
            return m.refuse(NOT_SUPPORTED, call, "the activation must be RELU or IDENTITY, not mode " + act.mode);
        }
        if (act.nanOpt != NOT_PROPAGATE_NAN) {
            return m.refuse(NOT_SUPPORTED, call, "the activation descriptor's reluNanOpt must be CUDNN_NOT_PROPAGATE_NAN");
        }
        if (act.mode == ACTIVATION_IDENTITY && algo != IMPLICIT_PRECOMP_GEMM) {
            return m.refuse(NOT_SUPPORTED, call, "CUDNN_ACTIVATION_IDENTITY works only with IMPLICIT_PRECOMP_GEMM, not "
                    + "algorithm " + algo);
        }
        Strided4d bl = bd.layout;
        if (bl.n() != 1 || bl.c() != cp.w.k || bl.h() != 1 || bl.w() != 1 || bl.cStride() != 1 || bd.type != cp.y.type) {
            return m.refuse(NOT_SUPPORTED, call, "the bias must be 1x" + cp.w.k + "x1x1, packed, of y's data type; it is "
                    + bl.dimsString() + " " + bd.type);
        }
        if (!zd.layout.equals(cp.y.layout) || zd.type != cp.y.type) {
            return m.refuse(NOT_SUPPORTED, call, "z (" + zd.layout + " " + zd.type + ") and y (" + cp.y.layout + " " + cp.y.type
                    + ") do not match");
        }
        int status = checkAlgorithm(cp, algo, workSpace, workSpaceSizeInBytes, h, call);
        if (status != SUCCESS) {
            return status;
        }
        float a1 = (float) HostMemory.scalar(alpha1, false, call, "alpha1");
        float a2 = (float) HostMemory.scalar(alpha2, false, call, "alpha2");
        status = loadKernels(h, "fused convolution algorithm " + algo, call);
        if (status != SUCCESS) {
            return status;
        }
        boolean tf32 = tf32(cp, h);
        long xp = JCudaObjects.target(x);
        long wp = JCudaObjects.target(w);
        long zp = JCudaObjects.target(z);
        long bp = JCudaObjects.target(bias);
        long yp = JCudaObjects.target(y);
        tensorRegion(x, cp.x, h, call, "x");
        filterRegion(w, cp.w, h, call);
        tensorRegion(z, zd, h, call, "z");
        tensorRegion(bias, bd, h, call, "bias");
        tensorRegion(y, cp.y, h, call, "y");
        Activation mode = act.mode == ACTIVATION_RELU ? Activation.RELU : Activation.IDENTITY;
        return enqueue(h, call + " " + describe(cp), () -> {
            float[] xv = readTensor(xp, cp.x, h, call, "x", tf32);
            float[] wv = readFilter(wp, cp.w, h, call, tf32);
            // With alpha2 = 0 cuDNN does not read z (which may be y itself, holding anything).
            float[] zv = a2 == 0 ? new float[(int) zd.layout.span()] : readTensor(zp, zd, h, call, "z", false);
            float[] bv = readTensor(bp, bd, h, call, "bias", false);
            float[] yv = new float[(int) cp.y.layout.span()];
            ConvBiasActivationMath.forward(a1, xv, cp.x.layout, wv, cp.w.layout(), cp.conv.geometry(), a2, zv, zd.layout, bv,
                    bd.layout, mode, false, yv, cp.y.layout);
            writeTensor(yp, cp.y, h, call, yv);
        });
    }

    /** The algorithm applies to the problem and the workspace given is at least what it needs. */
    private int checkAlgorithm(ConvProblem p, int algo, Pointer workSpace, long bytes, Handle h, String call) {
        if (algo < 0 || algo >= ALGO_COUNT || !applicable(p, algo)) {
            return m.refuse(NOT_SUPPORTED, call, "algorithm " + algo + " does not apply to " + describe(p));
        }
        long needed = workspace(p, algo);
        if (bytes < needed) {
            return m.refuse(BAD_PARAM, call, "algorithm " + algo + " needs " + needed + " bytes of workspace, " + bytes
                    + " were given");
        }
        if (needed > 0) {
            region(workSpace, needed, h, call, "workspace");
        }
        return SUCCESS;
    }

    /** fp32 convolutions run on tensor cores as TF32 where the math type allows it and the GPU has them (sm_80+). */
    private boolean tf32(ConvProblem p, Handle h) {
        int math = p.conv.mathType;
        return p.x.type == DataType.FLOAT && m.spec(h.device).computeMajor() >= 8
                && (math == DEFAULT_MATH || math == TENSOR_OP_MATH || math == TENSOR_OP_MATH_ALLOW_CONVERSION);
    }

    private static String describe(ConvProblem p) {
        return "x " + p.x.layout.dimsString() + " " + p.x.type + ", w " + p.w.k + "x" + p.w.c + "x" + p.w.h + "x" + p.w.w
                + ", pad " + p.conv.padH + "x" + p.conv.padW + " stride " + p.conv.strideH + "x" + p.conv.strideW
                + " dilation " + p.conv.dilationH + "x" + p.conv.dilationW + " groups " + p.conv.groups;
    }

    public int cudnnBatchNormalizationForwardInference(cudnnHandle handle, int mode, Pointer alpha, Pointer beta,
                                                       cudnnTensorDescriptor xDesc, Pointer x, cudnnTensorDescriptor yDesc,
                                                       Pointer y, cudnnTensorDescriptor bnScaleBiasMeanVarDesc, Pointer bnScale,
                                                       Pointer bnBias, Pointer estimatedMean, Pointer estimatedVariance,
                                                       double epsilon) {
        String call = "cudnnBatchNormalizationForwardInference";
        Handle h = handles.get(handle, call);
        TensorDesc xd = tensors.get(xDesc, call);
        TensorDesc yd = tensors.get(yDesc, call);
        TensorDesc pd = tensors.get(bnScaleBiasMeanVarDesc, call);
        String bad = h == null ? "null handle" : unset(xd, yd, pd);
        if (bad != null) {
            return m.refuse(BAD_PARAM, call, bad);
        }
        if (m.stickyFault(h.device) != null) {
            return EXECUTION_FAILED;
        }
        if (mode != BATCHNORM_SPATIAL) {
            throw new SimulatedFault(call + ": the simulated device models the spatial mode only, not mode " + mode);
        }
        if (!xd.layout.sameDims(yd.layout) || xd.type != yd.type) {
            return m.refuse(BAD_PARAM, call, "x " + xd.layout.dimsString() + " and y " + yd.layout.dimsString() + " differ");
        }
        Strided4d pl = pd.layout;
        DataType paramType = xd.type == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
        if (pl.n() != 1 || pl.c() != xd.layout.c() || pl.h() != 1 || pl.w() != 1 || pd.type != paramType) {
            return m.refuse(BAD_PARAM, call, "the parameters' descriptor must be 1x" + xd.layout.c() + "x1x1 " + paramType
                    + ", not " + pl.dimsString() + " " + pd.type);
        }
        if (!(epsilon >= BN_MIN_EPSILON)) {
            return m.refuse(BAD_PARAM, call, "epsilon " + epsilon + " is below CUDNN_BN_MIN_EPSILON (" + BN_MIN_EPSILON + ")");
        }
        float a = (float) HostMemory.scalar(alpha, false, call, "alpha");
        float b = (float) HostMemory.scalar(beta, false, call, "beta");
        int status = loadKernels(h, "batch norm", call);
        if (status != SUCCESS) {
            return status;
        }
        long[] at = new long[4];
        Pointer[] params = {bnScale, bnBias, estimatedMean, estimatedVariance};
        for (int i = 0; i < 4; i++) {
            at[i] = JCudaObjects.target(params[i]);
            tensorRegion(params[i], pd, h, call, "scale, bias, mean and variance");
        }
        long xp = JCudaObjects.target(x);
        long yp = JCudaObjects.target(y);
        tensorRegion(x, xd, h, call, "x");
        tensorRegion(y, yd, h, call, "y");
        return enqueue(h, call + " " + xd.layout.dimsString(), () -> {
            float[] xv = readTensor(xp, xd, h, call, "x", false);
            float[][] pv = new float[4][];
            for (int i = 0; i < 4; i++) {
                pv[i] = readTensor(at[i], pd, h, call, "scale, bias, mean and variance", false);
            }
            float[] yv = b == 0 ? new float[(int) yd.layout.span()] : readTensor(yp, yd, h, call, "y", false);
            BatchNormMath.forwardInference(a, xv, xd.layout, b, yv, yd.layout, pv[0], pv[1], pv[2], pv[3], epsilon);
            writeTensor(yp, yd, h, call, yv);
        });
    }

    public int cudnnPoolingForward(cudnnHandle handle, cudnnPoolingDescriptor poolingDesc, Pointer alpha,
                                   cudnnTensorDescriptor xDesc, Pointer x, Pointer beta, cudnnTensorDescriptor yDesc, Pointer y) {
        String call = "cudnnPoolingForward";
        Handle h = handles.get(handle, call);
        PoolingDesc pool = poolings.get(poolingDesc, call);
        TensorDesc xd = tensors.get(xDesc, call);
        TensorDesc yd = tensors.get(yDesc, call);
        String bad = h == null ? "null handle" : unset(pool, xd, yd);
        if (bad != null) {
            return m.refuse(BAD_PARAM, call, bad);
        }
        if (m.stickyFault(h.device) != null) {
            return EXECUTION_FAILED;
        }
        int outH = pool.geometry.outputHeight(xd.layout.h());
        int outW = pool.geometry.outputWidth(xd.layout.w());
        if (xd.type != yd.type || yd.layout.n() != xd.layout.n() || yd.layout.c() != xd.layout.c() || yd.layout.h() != outH
                || yd.layout.w() != outW) {
            return m.refuse(BAD_PARAM, call, "y is " + yd.layout.dimsString() + " " + yd.type + "; pooling x "
                    + xd.layout.dimsString() + " " + xd.type + " gives " + xd.layout.n() + "x" + xd.layout.c() + "x" + outH + "x" + outW);
        }
        PoolingMode mode = pool.mode == POOLING_AVERAGE_INCLUDE_PADDING ? PoolingMode.AVERAGE_INCLUDE_PADDING
                : pool.mode == POOLING_AVERAGE_EXCLUDE_PADDING ? PoolingMode.AVERAGE_EXCLUDE_PADDING : PoolingMode.MAX;
        return unary(h, call, alpha, beta, x, xd, y, yd, "pooling " + mode,
                (a, xv, b, yv) -> PoolingMath.forward(mode, pool.nanOpt == PROPAGATE_NAN, pool.geometry, a, xv, xd.layout, b,
                        yv, yd.layout));
    }

    public int cudnnActivationForward(cudnnHandle handle, cudnnActivationDescriptor activationDesc, Pointer alpha,
                                      cudnnTensorDescriptor xDesc, Pointer x, Pointer beta, cudnnTensorDescriptor yDesc, Pointer y) {
        String call = "cudnnActivationForward";
        Handle h = handles.get(handle, call);
        ActivationDesc act = activations.get(activationDesc, call);
        TensorDesc xd = tensors.get(xDesc, call);
        TensorDesc yd = tensors.get(yDesc, call);
        String bad = h == null ? "null handle" : unset(act, xd, yd);
        if (bad != null) {
            return m.refuse(BAD_PARAM, call, bad);
        }
        if (m.stickyFault(h.device) != null) {
            return EXECUTION_FAILED;
        }
        if (act.mode != ACTIVATION_RELU) {
            throw new SimulatedFault(call + ": the simulated device models ReLU only, not activation mode " + act.mode);
        }
        if (!xd.layout.sameDims(yd.layout) || xd.type != yd.type) {
            return m.refuse(BAD_PARAM, call, "x " + xd.layout.dimsString() + " and y " + yd.layout.dimsString() + " differ");
        }
        return unary(h, call, alpha, beta, x, xd, y, yd, "relu", (a, xv, b, yv) -> ActivationMath.forward(Activation.RELU,
                act.nanOpt == PROPAGATE_NAN, a, xv, xd.layout, b, yv, yd.layout));
    }

    public int cudnnAddTensor(cudnnHandle handle, Pointer alpha, cudnnTensorDescriptor aDesc, Pointer a, Pointer beta,
                              cudnnTensorDescriptor cDesc, Pointer c) {
        String call = "cudnnAddTensor";
        Handle h = handles.get(handle, call);
        TensorDesc ad = tensors.get(aDesc, call);
        TensorDesc cd = tensors.get(cDesc, call);
        String bad = h == null ? "null handle" : unset(ad, cd);
        if (bad != null) {
            return m.refuse(BAD_PARAM, call, bad);
        }
        if (m.stickyFault(h.device) != null) {
            return EXECUTION_FAILED;
        }
        if (ad.type != cd.type || !AddTensorMath.isSupportedBroadcast(ad.layout, cd.layout)) {
            return m.refuse(BAD_PARAM, call, "a " + ad.layout.dimsString() + " " + ad.type + " cannot be added to c "
                    + cd.layout.dimsString() + " " + cd.type);
        }
        return unary(h, call, alpha, beta, a, ad, c, cd, "add tensor",
                (al, av, be, cv) -> AddTensorMath.add(al, av, ad.layout, be, cv, cd.layout));
    }

    /** y = alpha * op(x) + beta * y, the op writing straight into y's floats. */
    private interface BlendedOp {
        void apply(float alpha, float[] x, float beta, float[] y);
    }

    private int unary(Handle h, String call, Pointer alpha, Pointer beta, Pointer x, TensorDesc xd, Pointer y, TensorDesc yd,
                      String kernels, BlendedOp op) {
        float a = (float) HostMemory.scalar(alpha, false, call, "alpha");
        float b = (float) HostMemory.scalar(beta, false, call, "beta");
        int status = loadKernels(h, kernels, call);
        if (status != SUCCESS) {
            return status;
        }
        long xp = JCudaObjects.target(x);
        long yp = JCudaObjects.target(y);
        tensorRegion(x, xd, h, call, "x");
        tensorRegion(y, yd, h, call, "y");
        return enqueue(h, call + " " + xd.layout.dimsString() + " -> " + yd.layout.dimsString(), () -> {
            float[] xv = readTensor(xp, xd, h, call, "x", false);
            float[] yv = b == 0 ? new float[(int) yd.layout.span()] : readTensor(yp, yd, h, call, "y", false);
            op.apply(a, xv, b, yv);
            writeTensor(yp, yd, h, call, yv);
        });
    }

    // ---- lazy kernels, queueing, memory ----

    /**
     * cuDNN loads an operation's kernels (and takes their memory) the first time a handle runs it; inside a stream
     * capture that is a forbidden module load and allocation, and the call fails.
     */
    private int loadKernels(Handle h, String kind, String call) {
        if (h.loadedKernels.contains(kind)) {
            return SUCCESS;
        }
        if (m.disturbsCapture(call + " loading its " + kind + " kernels")) {
            return m.refuse(EXECUTION_FAILED_CUDART, call, "the first " + kind + " on this handle loads kernels and "
                    + "allocates, which the stream capture under way forbids");
        }
        long bytes = m.spec(h.device).libraryKernelBytes();
        if (bytes > m.freeBytes(h.device)) {
            return m.refuse(INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED, call, "no room to load the " + kind + " kernels");
        }
        h.memory.add(m.takeLibraryMemory(h.device, bytes, "cuDNN " + kind + " kernels"));
        h.loadedKernels.add(kind);
        return SUCCESS;
    }

    private int enqueue(Handle h, String what, Runnable action) {
        if (h.device != m.current()) {
            throw new SimulatedFault(what + ": the handle belongs to device " + h.device + " but device " + m.current()
                    + " is current");
        }
        int status = m.enqueue(h.stream, what, action);
        return status == 0 ? SUCCESS : m.refuse(EXECUTION_FAILED_CUDART, what, "the stream capture was invalidated earlier");
    }

    private AddressSpace.Region region(Pointer p, long bytes, Handle h, String call, String operand) {
        return m.memory.resolve(JCudaObjects.target(p), bytes, Allocation.Kind.DEVICE, h.device, call, operand);
    }

    private AddressSpace.Region tensorRegion(Pointer p, TensorDesc d, Handle h, String call, String operand) {
        return region(p, d.layout.span() * d.type.bytes, h, call, operand + " (" + d.layout.dimsString() + " " + d.type + ")");
    }

    private void filterRegion(Pointer p, FilterDesc f, Handle h, String call) {
        region(p, (long) f.k * f.c * f.h * f.w * f.type.bytes, h, call, "w (" + f.k + "x" + f.c + "x" + f.h + "x" + f.w + ")");
    }

    private float[] readTensor(long address, TensorDesc d, Handle h, String call, String operand, boolean tf32) {
        AddressSpace.Region r = m.memory.resolve(address, d.layout.span() * d.type.bytes, Allocation.Kind.DEVICE, h.device,
                call, operand);
        return read(r.reading(), d.type, (int) d.layout.span(), tf32);
    }

    private float[] readFilter(long address, FilterDesc f, Handle h, String call, boolean tf32) {
        int count = f.k * f.c * f.h * f.w;
        AddressSpace.Region r = m.memory.resolve(address, (long) count * f.type.bytes, Allocation.Kind.DEVICE, h.device, call, "w");
        return read(r.reading(), f.type, count, tf32);
    }

    private static float[] read(ByteBuffer b, DataType type, int count, boolean tf32) {
        float[] v = new float[count];
        if (type == DataType.FLOAT) {
            b.asFloatBuffer().get(v);
        } else {
            for (int i = 0; i < count; i++) {
                v[i] = type.get(b, i);
            }
        }
        if (tf32) {
            for (int i = 0; i < count; i++) {
                v[i] = Tf32.round(v[i]);
            }
        }
        return v;
    }

    /** Writes the elements of the tensor's layout (not the gaps between them), converting to its data type. */
    private void writeTensor(long address, TensorDesc d, Handle h, String call, float[] values) {
        AddressSpace.Region r = m.memory.resolve(address, d.layout.span() * d.type.bytes, Allocation.Kind.DEVICE, h.device,
                call, "y");
        ByteBuffer b = r.writing();
        Strided4d l = d.layout;
        if (d.type == DataType.FLOAT && l.span() == l.count()) {
            b.asFloatBuffer().put(values);
            return;
        }
        for (int n = 0; n < l.n(); n++) {
            for (int c = 0; c < l.c(); c++) {
                for (int y = 0; y < l.h(); y++) {
                    for (int x = 0; x < l.w(); x++) {
                        long i = l.index(n, c, y, x);
                        d.type.put(b, i, values[(int) i]);
                    }
                }
            }
        }
    }

    /** y = alpha * raw + beta * y (y not read when beta is 0), then stored. */
    private void blendInto(long address, TensorDesc d, Handle h, String call, float alpha, float[] raw, float beta) {
        float[] y = beta == 0 ? new float[raw.length] : readTensor(address, d, h, call, "y", false);
        Blend.into(alpha, raw, d.layout, beta, y, d.layout);
        writeTensor(address, d, h, call, y);
    }

    private static void poison(AddressSpace.Region r) {
        ByteBuffer b = r.writing();
        for (int i = 0; i < r.length(); i++) {
            b.put(i, Allocation.POISON);
        }
    }
}
