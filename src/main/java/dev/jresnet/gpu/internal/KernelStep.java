package dev.jresnet.gpu.internal;

import dev.jresnet.plan.PlanOp;

/** A step that is one launch of one of our kernels over the network's buffers: the kernel is loaded when it is made. */
abstract class KernelStep<T extends PlanOp> implements GpuStep {
    protected final GpuContext ctx;
    protected final T op;
    protected final DeviceBuffer[] buffers;

    KernelStep(GpuContext ctx, T op, DeviceBuffer[] buffers, Kernels.Kernel kernel) {
        this.ctx = ctx;
        this.op = op;
        this.buffers = buffers;
        ctx.kernels.load(kernel);
    }
}
