package dev.jresnet.gpu.internal;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

/** The option-A shortcut (subsample, zero-pad channels): our channel_pad kernel. */
final class ChannelPadStep implements GpuStep {
    private final GpuContext ctx;
    private final PlanOp.ChannelPadOp op;
    private final DeviceBuffer[] buffers;

    ChannelPadStep(GpuContext ctx, PlanOp.ChannelPadOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.op = op;
        this.buffers = buffers;
        ctx.kernels.load(Kernels.Kernel.CHANNEL_PAD);
    }

    @Override
    public long prepare(int n, Workspace workspace) {
        return 0;
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
