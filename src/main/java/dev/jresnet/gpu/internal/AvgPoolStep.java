package dev.jresnet.gpu.internal;

import dev.jresnet.model.AvgPoolSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

/** PyTorch's AvgPool2d (ceil mode, padding counted or not): our avg_pool2d kernel. */
final class AvgPoolStep extends KernelStep<PlanOp.AvgPoolOp> {
    AvgPoolStep(GpuContext ctx, PlanOp.AvgPoolOp op, DeviceBuffer[] buffers) {
        super(ctx, op, buffers, Kernels.Kernel.AVG_POOL);
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape i = op.inShape();
        Shape o = op.outShape();
        AvgPoolSpec p = op.spec();
        ctx.kernels.avgPool2d(buffers[op.input()].pointer(), buffers[op.output()].pointer(), n, i.channels(), i.height(),
                i.width(), o.height(), o.width(), p.kernel(), p.stride(), p.padding(), p.countIncludePad());
    }

    @Override
    public String describe() {
        return op.name() + " average pool (jresnet kernel)";
    }
}
