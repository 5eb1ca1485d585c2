package dev.jresnet.gpu.internal;

import dev.jresnet.plan.PlanOp;
import jcuda.cudaDataType;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasOperation;

/**
 * The classifier, out (N x O) = in (N x I) * W^T + b, as one float32 cuBLAS GEMM. cuBLAS is column-major: row-major W
 * (O x I) is a column-major I x O matrix, so C (O x N, column-major = N x O row-major) = op_T(W) * in, with
 * lda = ldb = I and ldc = O. The bias is added by cudnnAddTensor, broadcast over N.
 */
final class LinearStep implements GpuStep {
    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.LinearOp op;
    private final DeviceBuffer[] buffers;
    private final DeviceBuffer weight;
    private final DeviceBuffer bias;

    LinearStep(GpuContext ctx, Descriptors descriptors, Resources resources, PlanOp.LinearOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.buffers = buffers;
        this.weight = DeviceBuffer.of(ctx, op.weight(), op.name() + ".weight", resources);
        this.bias = op.bias() == null ? null : DeviceBuffer.of(ctx, op.bias(), op.name() + ".bias", resources);
    }

    @Override
    public long prepare(int n, Workspace workspace) {
        return 0;
    }

    @Override
    public void run(int n, Workspace workspace) {
        int in = op.inFeatures();
        int out = op.outFeatures();
        Cuda.cublas(ctx.cuda.cublasGemmEx(ctx.cublas, cublasOperation.CUBLAS_OP_T, cublasOperation.CUBLAS_OP_N, out, n, in,
                GpuContext.ONE, weight.pointer(), cudaDataType.CUDA_R_32F, in, buffers[op.input()].pointer(), cudaDataType.CUDA_R_32F,
                in, GpuContext.ZERO, buffers[op.output()].pointer(), cudaDataType.CUDA_R_32F, out,
                cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT), "cublasGemmEx", () -> op.name() + ": N=" + n + ", " + in + " -> " + out);
        if (bias != null) {
            Cuda.cudnn(ctx.cuda.cudnnAddTensor(ctx.cudnn, GpuContext.ONE, descriptors.tensor(1, out, 1, 1), bias.pointer(),
                    GpuContext.ONE, descriptors.tensor(n, out, 1, 1), buffers[op.output()].pointer()), "cudnnAddTensor",
                    () -> op.name() + " bias");
        }
    }

    @Override
    public String describe() {
        return op.name() + " linear (cuBLAS GEMM" + (bias != null ? " + bias" : "") + ")";
    }
}
