package dev.jresnet.gpu.internal;

import dev.jresnet.plan.PlanOp;

/** The residual add, with its ReLU when fused: our residual_add kernel for the network's storage. */
final class AddStep extends KernelStep<PlanOp.AddOp> {
    AddStep(GpuContext ctx, PlanOp.AddOp op, DeviceBuffer[] buffers) {
        super(ctx, op, buffers, Kernels.Kernel.RESIDUAL_ADD);
    }

    @Override
    public void run(int n, Workspace workspace) {
        ctx.kernels.residualAdd(buffers[op.left()].pointer(), buffers[op.right()].pointer(), buffers[op.output()].pointer(),
                n * op.shape().elements(), op.relu());
    }

    @Override
    public String describe() {
        return op.name() + " add" + (op.relu() ? "+relu" : "") + " (jresnet kernel)";
    }
}
