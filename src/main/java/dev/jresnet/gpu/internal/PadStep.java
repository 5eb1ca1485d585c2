package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

/** Reflect, replicate, circular (or zero) padding before a convolution: our pad2d kernel (cuDNN pads only with zeros). */
final class PadStep extends KernelStep<PlanOp.PadOp> {
    PadStep(GpuContext ctx, PlanOp.PadOp op, DeviceBuffer[] buffers) {
        super(ctx, op, buffers, Kernels.Kernel.PAD2D);
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape i = op.inShape();
        Shape o = op.outShape();
        ctx.kernels.pad2d(buffers[op.input()].pointer(), buffers[op.output()].pointer(), n, i.channels(), i.height(), i.width(),
                o.height(), o.width(), op.top(), op.left(), op.mode().ordinal());
    }

    @Override
    public String describe() {
        return op.name() + " " + op.mode().pytorchName() + " padding (jresnet kernel)";
    }
}
