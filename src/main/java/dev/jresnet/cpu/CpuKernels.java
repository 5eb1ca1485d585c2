package dev.jresnet.cpu;

import dev.jresnet.plan.PlanOp;

/**
 * The CPU implementations of the plan's ops over NCHW float arrays holding {@code batch} samples (arrays may be
 * longer than that). Inputs and outputs never alias; {@code residual} is null for a convolution without one.
 */
interface CpuKernels {
    void conv(PlanOp.ConvOp op, float[] in, float[] residual, float[] out, int batch);

    void batchNorm(PlanOp.BatchNormOp op, float[] in, float[] out, int batch);

    void relu(float[] in, float[] out, int count);

    void add(PlanOp.AddOp op, float[] left, float[] right, float[] out, int batch);

    void maxPool(PlanOp.MaxPoolOp op, float[] in, float[] out, int batch);

    void avgPool(PlanOp.AvgPoolOp op, float[] in, float[] out, int batch);

    void pad(PlanOp.PadOp op, float[] in, float[] out, int batch);

    void channelPad(PlanOp.ChannelPadOp op, float[] in, float[] out, int batch);

    void globalAvgPool(PlanOp.GlobalAvgPoolOp op, float[] in, float[] out, int batch);

    void linear(PlanOp.LinearOp op, float[] in, float[] out, int batch);
}
