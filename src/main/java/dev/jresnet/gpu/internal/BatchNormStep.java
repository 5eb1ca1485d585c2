package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnBatchNormMode;
import jcuda.jcudnn.cudnnTensorDescriptor;

import java.util.List;

/**
 * Inference BatchNorm through cudnnBatchNormalizationForwardInference (the reference schedule), over activations of
 * the network's precision with float32 parameters (as cuDNN takes them for every data type but double). cuDNN refuses
 * an epsilon below CUDNN_BN_MIN_EPSILON, which was 1e-5 up to cuDNN 7 and is 0.0 in cuDNN 8's headers (JCudnn 11.7
 * mirrors them); an epsilon below 1e-5 is moved into the variance, which keeps var + eps exact and works with both.
 */
final class BatchNormStep implements GpuStep {
    static final double CUDNN_BN_MIN_EPSILON = 1e-5;

    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.BatchNormOp op;
    private final Pointer x;
    private final Pointer y;
    private final Pointer gamma;
    private final Pointer beta;
    private final Pointer mean;
    private final Pointer var;
    private final double epsilon;
    private final cudnnTensorDescriptor parameters;

    BatchNormStep(GpuContext ctx, Descriptors descriptors, DeviceParameters parameters, PlanOp.BatchNormOp op,
                  DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.x = buffers[op.input()].pointer();
        this.y = buffers[op.output()].pointer();
        this.gamma = parameters.at(op.name() + ".weight");
        this.beta = parameters.at(op.name() + ".bias");
        this.mean = parameters.at(op.name() + ".running_mean");
        this.var = parameters.at(op.name() + ".running_var");
        this.epsilon = Math.max(op.eps(), CUDNN_BN_MIN_EPSILON);
        this.parameters = descriptors.floats(1, op.shape().channels(), 1, 1);
    }

    /** Scale, shift, mean and variance (an epsilon below cuDNN's old minimum moved into it), float32. */
    static List<DeviceParameters.Host> parameters(PlanOp.BatchNormOp op) {
        float[] variance = op.var().clone();
        if (op.eps() < CUDNN_BN_MIN_EPSILON) {
            for (int c = 0; c < variance.length; c++) {
                variance[c] = (float) (variance[c] + op.eps() - CUDNN_BN_MIN_EPSILON);
            }
        }
        DevicePrecision f = DevicePrecision.FP32;
        return List.of(new DeviceParameters.Host(op.name() + ".weight", f.encode(op.gamma())),
                new DeviceParameters.Host(op.name() + ".bias", f.encode(op.beta())),
                new DeviceParameters.Host(op.name() + ".running_mean", f.encode(op.mean())),
                new DeviceParameters.Host(op.name() + ".running_var", f.encode(variance)));
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape s = op.shape();
        cudnnTensorDescriptor d = descriptors.tensor(n, s.channels(), s.height(), s.width());
        Cuda.cudnn(ctx.cuda.cudnnBatchNormalizationForwardInference(ctx.cudnn, cudnnBatchNormMode.CUDNN_BATCHNORM_SPATIAL,
                GpuContext.ONE, GpuContext.ZERO, d, x, d, y, parameters, gamma, beta, mean, var, epsilon),
                "cudnnBatchNormalizationForwardInference", () -> op.name() + ": N=" + n + " " + s);
    }

    @Override
    public String describe() {
        return op.name() + " batchnorm (cuDNN)";
    }
}
