package dev.jresnet.gpu.internal;

import dev.jresnet.plan.PlanOp;

/** Picks the GPU implementation of each plan op. */
final class GpuSteps {
    private GpuSteps() {
    }

    static GpuStep of(PlanOp op, GpuContext ctx, Descriptors d, Resources r, DeviceBuffer[] buffers) {
        return op.accept(new PlanOp.Visitor<GpuStep>() {
            public GpuStep conv(PlanOp.ConvOp c) {
                return new ConvStep(ctx, d, r, c, buffers);
            }

            public GpuStep batchNorm(PlanOp.BatchNormOp b) {
                return new BatchNormStep(ctx, d, r, b, buffers);
            }

            public GpuStep relu(PlanOp.ReluOp relu) {
                return new ReluStep(ctx, d, relu, buffers);
            }

            public GpuStep add(PlanOp.AddOp a) {
                return new AddStep(ctx, a, buffers);
            }

            public GpuStep maxPool(PlanOp.MaxPoolOp p) {
                return new MaxPoolStep(ctx, d, p, buffers);
            }

            public GpuStep avgPool(PlanOp.AvgPoolOp p) {
                return new AvgPoolStep(ctx, p, buffers);
            }

            public GpuStep pad(PlanOp.PadOp p) {
                return new PadStep(ctx, p, buffers);
            }

            public GpuStep channelPad(PlanOp.ChannelPadOp p) {
                return new ChannelPadStep(ctx, p, buffers);
            }

            public GpuStep globalAvgPool(PlanOp.GlobalAvgPoolOp p) {
                return new GlobalAvgPoolStep(ctx, d, p, buffers);
            }

            public GpuStep linear(PlanOp.LinearOp l) {
                return new LinearStep(ctx, d, r, l, buffers);
            }
        });
    }
}
