package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnTensorDescriptor;

/** A ReLU on its own (the reference schedule): cudnnActivationForward, NaN propagated as PyTorch does. */
final class ReluStep implements GpuStep {
    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.ReluOp op;
    private final DeviceBuffer[] buffers;
    private final cudnnActivationDescriptor relu;

    ReluStep(GpuContext ctx, Descriptors descriptors, PlanOp.ReluOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.buffers = buffers;
        this.relu = descriptors.activation(cudnnActivationMode.CUDNN_ACTIVATION_RELU, true);
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape s = op.shape();
        cudnnTensorDescriptor d = descriptors.tensor(n, s.channels(), s.height(), s.width());
        Cuda.cudnn(ctx.cuda.cudnnActivationForward(ctx.cudnn, relu, GpuContext.ONE, d, buffers[op.input()].pointer(),
                GpuContext.ZERO, d, buffers[op.output()].pointer()), "cudnnActivationForward", () -> op.name() + ": N=" + n + " " + s);
    }

    @Override
    public String describe() {
        return op.name() + " relu (cuDNN activation)";
    }
}
