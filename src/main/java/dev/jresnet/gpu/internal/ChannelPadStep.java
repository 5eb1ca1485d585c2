package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

/** The option-A shortcut (subsample, zero-pad channels): our channel_pad kernel. */
final class ChannelPadStep extends KernelStep<PlanOp.ChannelPadOp> {
    ChannelPadStep(GpuContext ctx, PlanOp.ChannelPadOp op, DeviceBuffer[] buffers) {
        super(ctx, op, buffers, Kernels.Kernel.CHANNEL_PAD);
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape i = op.inShape();
        Shape o = op.outShape();
        ctx.kernels.channelPad(buffers[op.input()].pointer(), buffers[op.output()].pointer(), n, i.channels(), i.height(),
                i.width(), o.channels(), o.height(), o.width(), op.stride(), op.padBefore());
    }

    @Override
    public String describe() {
        return op.name() + " identity shortcut with zero channels (jresnet kernel)";
    }
}
