package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnBatchNormMode;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * Inference BatchNorm through cudnnBatchNormalizationForwardInference (the reference schedule). cuDNN refuses an
 * epsilon below CUDNN_BN_MIN_EPSILON, which was 1e-5 up to cuDNN 7 and is 0.0 in cuDNN 8's headers (JCudnn 11.7
 * mirrors them); an epsilon below 1e-5 is moved into the variance, which keeps var + eps exact and works with both.
 */
final class BatchNormStep implements GpuStep {
    static final double CUDNN_BN_MIN_EPSILON = 1e-5;

    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.BatchNormOp op;
    private final Pointer x;
    private final Pointer y;
    private final DeviceBuffer gamma;
    private final DeviceBuffer beta;
    private final DeviceBuffer mean;
    private final DeviceBuffer var;
    private final double epsilon;
    private final cudnnTensorDescriptor parameters;

    BatchNormStep(GpuContext ctx, Descriptors descriptors, Resources resources, PlanOp.BatchNormOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.x = buffers[op.input()].pointer();
        this.y = buffers[op.output()].pointer();
        this.gamma = DeviceBuffer.of(ctx, op.gamma(), op.name() + ".weight", resources);
        this.beta = DeviceBuffer.of(ctx, op.beta(), op.name() + ".bias", resources);
        this.mean = DeviceBuffer.of(ctx, op.mean(), op.name() + ".running_mean", resources);
        this.epsilon = Math.max(op.eps(), CUDNN_BN_MIN_EPSILON);
        float[] variance = op.var().clone();
        if (op.eps() < CUDNN_BN_MIN_EPSILON) {
            for (int c = 0; c < variance.length; c++) {
                variance[c] = (float) (variance[c] + op.eps() - CUDNN_BN_MIN_EPSILON);
            }
        }
        this.var = DeviceBuffer.of(ctx, variance, op.name() + ".running_var", resources);
        this.parameters = descriptors.tensor(1, op.shape().channels(), 1, 1);
    }

    @Override
    public long prepare(int n, Workspace workspace) {
        return 0;
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape s = op.shape();
        cudnnTensorDescriptor d = descriptors.tensor(n, s.channels(), s.height(), s.width());
        Cuda.cudnn(ctx.cuda.cudnnBatchNormalizationForwardInference(ctx.cudnn, cudnnBatchNormMode.CUDNN_BATCHNORM_SPATIAL,
                GpuContext.ONE, GpuContext.ZERO, d, x, d, y, parameters, gamma.pointer(), beta.pointer(), mean.pointer(),
                var.pointer(), epsilon), "cudnnBatchNormalizationForwardInference", () -> op.name() + ": N=" + n + " " + s);
    }

    @Override
    public String describe() {
        return op.name() + " batchnorm (cuDNN)";
    }
}
