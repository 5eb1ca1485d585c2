package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnPoolingMode;

/**
 * Adaptive average pooling to 1x1 where no classifier follows (a network cut after it, for features): one cuDNN
 * average pooling whose window is the whole plane. Before a linear layer, {@link ClassifierStep} pools instead.
 */
final class GlobalAvgPoolStep implements GpuStep {
    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.GlobalAvgPoolOp op;
    private final DeviceBuffer[] buffers;
    private final cudnnPoolingDescriptor pooling;

    GlobalAvgPoolStep(GpuContext ctx, Descriptors descriptors, PlanOp.GlobalAvgPoolOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.buffers = buffers;
        Shape i = op.inShape();
        this.pooling = descriptors.pooling(cudnnPoolingMode.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING, i.height(), i.width(),
                0, 0, i.height(), i.width());
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape i = op.inShape();
        Cuda.cudnn(ctx.cuda.cudnnPoolingForward(ctx.cudnn, pooling, GpuContext.ONE,
                descriptors.tensor(n, i.channels(), i.height(), i.width()), buffers[op.input()].pointer(), GpuContext.ZERO,
                descriptors.tensor(n, i.channels(), 1, 1), buffers[op.output()].pointer()),
                "cudnnPoolingForward", () -> op.name() + ": N=" + n + " " + i + " -> 1x1");
    }

    @Override
    public String describe() {
        return op.name() + " global average pool (cuDNN)";
    }
}
