package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasOperation;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnPoolingMode;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.cudaMemcpyKind;

import java.util.List;

/**
 * Global average pooling and the linear layer after it, out (N x O) = mean_hw(x) (N x I) * W^T + b, in two calls:
 * cuDNN's average pooling writes the features into a buffer of this step's own in which each sample's I values are
 * followed by a constant 1 (written once, when the network is built), and one cublasGemmEx multiplies them by the
 * weights with the bias as their (I+1)-th column, so the bias needs no call of its own. cuBLAS is column-major: the
 * row-major weights W' (O x (I+1)) are a column-major (I+1) x O matrix, so C (O x N column-major, which is N x O
 * row-major) = op_T(W') * features, with lda = ldb = I+1 and ldc = O. The logits are float32 whatever the precision:
 * the GEMM reads the network's storage and accumulates and writes float32.
 */
final class ClassifierStep implements GpuStep {
    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.GlobalAvgPoolOp pool;
    private final PlanOp.LinearOp linear;
    private final Pointer x;
    private final Pointer logits;
    private final Pointer weight;
    private final DeviceBuffer features;
    private final cudnnPoolingDescriptor pooling;
    /** Values per sample in the features buffer: I, and the 1 that multiplies the bias when there is one. */
    private final int k;

    ClassifierStep(GpuContext ctx, Descriptors descriptors, DeviceParameters parameters, Resources resources,
                   PlanOp.GlobalAvgPoolOp pool, PlanOp.LinearOp linear, DeviceBuffer[] buffers, int maxBatch) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.pool = pool;
        this.linear = linear;
        this.x = buffers[pool.input()].pointer();
        this.logits = buffers[linear.output()].pointer();
        this.weight = parameters.at(linear.name() + ".weight");
        this.k = columns(linear);
        this.features = ctx.allocate(featureBytes(linear, ctx.precision, maxBatch), "the features of " + linear.name()
                + " (max batch " + maxBatch + ")", resources);
        float[] ones = new float[k * maxBatch];
        if (linear.bias() != null) {
            for (int n = 0; n < maxBatch; n++) {
                ones[n * k + k - 1] = 1f;
            }
        }
        byte[] image = ctx.precision.encode(ones);
        // Synchronous from pageable memory, awaited with the weights' upload at the end of the network's construction.
        Cuda.runtime(ctx.cuda.cudaMemcpy(features.pointer(), Pointer.to(image), image.length,
                cudaMemcpyKind.cudaMemcpyHostToDevice), "cudaMemcpy", () -> "the features' bias column of " + linear.name());
        Shape i = pool.inShape();
        this.pooling = descriptors.pooling(cudnnPoolingMode.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING, i.height(), i.width(),
                0, 0, i.height(), i.width());
    }

    /** I + 1 with a bias (its column of ones), I without. */
    private static int columns(PlanOp.LinearOp linear) {
        return linear.inFeatures() + (linear.bias() != null ? 1 : 0);
    }

    /** The step's own features buffer. */
    static long featureBytes(PlanOp.LinearOp linear, DevicePrecision precision, int maxBatch) {
        return (long) columns(linear) * precision.bytes() * maxBatch;
    }

    /** The weights with the bias as their last column, (O, I+1) row-major, in the network's storage. */
    static List<DeviceParameters.Host> parameters(PlanOp.LinearOp linear, DevicePrecision precision) {
        int in = linear.inFeatures();
        int cols = columns(linear);
        float[] w = new float[linear.outFeatures() * cols];
        for (int o = 0; o < linear.outFeatures(); o++) {
            System.arraycopy(linear.weight(), o * in, w, o * cols, in);
            if (linear.bias() != null) {
                w[o * cols + in] = linear.bias()[o];
            }
        }
        return List.of(new DeviceParameters.Host(linear.name() + ".weight", precision.encode(w)));
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape i = pool.inShape();
        cudnnTensorDescriptor pooled = descriptors.vectors(n, i.channels(), k);
        Cuda.cudnn(ctx.cuda.cudnnPoolingForward(ctx.cudnn, pooling, GpuContext.ONE,
                descriptors.tensor(n, i.channels(), i.height(), i.width()), x, GpuContext.ZERO, pooled, features.pointer()),
                "cudnnPoolingForward", () -> pool.name() + ": N=" + n + " " + i + " -> 1x1, into the classifier's features");
        int out = linear.outFeatures();
        DevicePrecision p = ctx.precision;
        Cuda.cublas(ctx.cuda.cublasGemmEx(ctx.cublas, cublasOperation.CUBLAS_OP_T, cublasOperation.CUBLAS_OP_N, out, n, k,
                GpuContext.ONE, weight, p.cudaType, k, features.pointer(), p.cudaType, k, GpuContext.ZERO, logits,
                cudaDataType.CUDA_R_32F, out, p.gemmCompute, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT), "cublasGemmEx",
                () -> linear.name() + ": N=" + n + ", " + linear.inFeatures() + " -> " + out + ", " + p.precision.label());
    }

    @Override
    public String describe() {
        return pool.name() + " global average pool (cuDNN) and " + linear.name() + " linear" + (linear.bias() != null
                ? " with its bias" : "") + " (one cuBLAS GEMM, float32 logits)";
    }
}
