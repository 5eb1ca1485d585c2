package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

/** Reflect, replicate, circular (or zero) padding before a convolution: our pad2d kernel (cuDNN pads only with zeros). */
final class PadStep implements GpuStep {
    private final GpuContext ctx;
    private final PlanOp.PadOp op;
    private final DeviceBuffer[] buffers;

    PadStep(GpuContext ctx, PlanOp.PadOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.op = op;
        this.buffers = buffers;
        ctx.kernels.load(Kernels.Kernel.PAD2D);
    }

    @Override
    public long prepare(int n, Workspace workspace) {
        return 0;
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
