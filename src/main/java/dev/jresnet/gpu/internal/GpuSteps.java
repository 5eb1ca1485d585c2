package dev.jresnet.gpu.internal;

import dev.jresnet.plan.PlanOp;

/** Picks the GPU implementation of each plan op. */
final class GpuSteps {
    private GpuSteps() {
    }

    static GpuStep of(PlanOp op, GpuContext ctx, Descriptors d, Resources r, DeviceBuffer[] buffers) {
        if (op instanceof PlanOp.ConvOp c) {
            return new ConvStep(ctx, d, r, c, buffers);
        } else if (op instanceof PlanOp.BatchNormOp b) {
            return new BatchNormStep(ctx, d, r, b, buffers);
        } else if (op instanceof PlanOp.ReluOp relu) {
            return new ReluStep(ctx, d, relu, buffers);
        } else if (op instanceof PlanOp.AddOp a) {
            return new AddStep(ctx, a, buffers);
        } else if (op instanceof PlanOp.MaxPoolOp p) {
            return new MaxPoolStep(ctx, d, p, buffers);
        } else if (op instanceof PlanOp.AvgPoolOp p) {
            return new AvgPoolStep(ctx, p, buffers);
        } else if (op instanceof PlanOp.GlobalAvgPoolOp p) {
            return new GlobalAvgPoolStep(ctx, d, p, buffers);
        } else if (op instanceof PlanOp.PadOp p) {
            return new PadStep(ctx, p, buffers);
        } else if (op instanceof PlanOp.ChannelPadOp p) {
            return new ChannelPadStep(ctx, p, buffers);
        } else if (op instanceof PlanOp.LinearOp l) {
            return new LinearStep(ctx, d, r, l, buffers);
        }
        throw new IllegalStateException("no GPU implementation of " + op.getClass().getSimpleName());
    }
}
