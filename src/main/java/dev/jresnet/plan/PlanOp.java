package dev.jresnet.plan;

import dev.jresnet.model.AvgPoolSpec;
import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.PaddingMode;
import dev.jresnet.model.PoolSpec;
import dev.jresnet.model.Shape;

import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * One step of a {@link Plan}: reads buffers, writes one buffer, every shape known (per sample; the batch size is
 * the executor's). Weights are bound, as float32 arrays in PyTorch's layout.
 */
public sealed interface PlanOp {
    int NO_BUFFER = -1;

    String name();

    /** Buffers read, in a fixed order. */
    List<Integer> inputs();

    int output();

    /** The same op over renumbered buffers. */
    PlanOp withBuffers(IntUnaryOperator map);

    /** Dispatch by kind, checked by the compiler: an op added here does not compile until every executor handles it. */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of op. */
    interface Visitor<R> {
        R conv(ConvOp op);

        R batchNorm(BatchNormOp op);

        R relu(ReluOp op);

        R add(AddOp op);

        R maxPool(MaxPoolOp op);

        R avgPool(AvgPoolOp op);

        R pad(PadOp op);

        R channelPad(ChannelPadOp op);

        R globalAvgPool(GlobalAvgPoolOp op);

        R linear(LinearOp op);
    }

    /**
     * out = act(conv(in, weight) + bias + residual): bias absent when {@code bias == null}, residual absent when
     * {@code residual == NO_BUFFER}, act = ReLU when {@code relu}, identity otherwise.
     */
    record ConvOp(String name, int input, int output, int residual, Shape inShape, Shape outShape, ConvSpec spec,
                  float[] weight, float[] bias, boolean relu) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.conv(this);
        }

        public List<Integer> inputs() {
            return residual == NO_BUFFER ? List.of(input) : List.of(input, residual);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new ConvOp(name, m.applyAsInt(input), m.applyAsInt(output),
                    residual == NO_BUFFER ? NO_BUFFER : m.applyAsInt(residual), inShape, outShape, spec, weight, bias, relu);
        }

        ConvOp fusedWith(int newOutput, int newResidual, boolean newRelu) {
            return new ConvOp(name, input, newOutput, newResidual, inShape, outShape, spec, weight, bias, newRelu);
        }
    }

    /** Batch norm in eval mode: out = (in - mean) / sqrt(var + eps) * gamma + beta, per channel. */
    record BatchNormOp(String name, int input, int output, Shape shape, float[] gamma, float[] beta, float[] mean,
                       float[] var, double eps) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.batchNorm(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new BatchNormOp(name, m.applyAsInt(input), m.applyAsInt(output), shape, gamma, beta, mean, var, eps);
        }
    }

    record ReluOp(String name, int input, int output, Shape shape) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.relu(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new ReluOp(name, m.applyAsInt(input), m.applyAsInt(output), shape);
        }
    }

    /** out = left + right, then ReLU when {@code relu}. */
    record AddOp(String name, int left, int right, int output, Shape shape, boolean relu) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.add(this);
        }

        public List<Integer> inputs() {
            return List.of(left, right);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new AddOp(name, m.applyAsInt(left), m.applyAsInt(right), m.applyAsInt(output), shape, relu);
        }
    }

    record MaxPoolOp(String name, int input, int output, Shape inShape, Shape outShape, PoolSpec spec) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.maxPool(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new MaxPoolOp(name, m.applyAsInt(input), m.applyAsInt(output), inShape, outShape, spec);
        }
    }

    record AvgPoolOp(String name, int input, int output, Shape inShape, Shape outShape, AvgPoolSpec spec) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.avgPool(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new AvgPoolOp(name, m.applyAsInt(input), m.applyAsInt(output), inShape, outShape, spec);
        }
    }

    /**
     * F.pad in {@code mode}: {@code top}/{@code bottom} rows and {@code left}/{@code right} columns around each
     * plane; reflect mirrors without repeating the edge, replicate repeats it, circular wraps, zeros fills 0.
     */
    record PadOp(String name, int input, int output, Shape inShape, Shape outShape, int top, int bottom, int left,
                 int right, PaddingMode mode) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.pad(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new PadOp(name, m.applyAsInt(input), m.applyAsInt(output), inShape, outShape, top, bottom, left, right, mode);
        }
    }

    /** out[c + padBefore, h, w] = in[c, h * stride, w * stride]; the other output channels are 0. */
    record ChannelPadOp(String name, int input, int output, Shape inShape, Shape outShape, int stride, int padBefore)
            implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.channelPad(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new ChannelPadOp(name, m.applyAsInt(input), m.applyAsInt(output), inShape, outShape, stride, padBefore);
        }
    }

    /** Mean over each channel's H x W plane: (C, H, W) to (C). */
    record GlobalAvgPoolOp(String name, int input, int output, Shape inShape) implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.globalAvgPool(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new GlobalAvgPoolOp(name, m.applyAsInt(input), m.applyAsInt(output), inShape);
        }
    }

    /** out = in * weight^T + bias, weight (outFeatures, inFeatures) row-major; bias may be null. */
    record LinearOp(String name, int input, int output, int inFeatures, int outFeatures, float[] weight, float[] bias)
            implements PlanOp {
        public <R> R accept(Visitor<R> visitor) {
            return visitor.linear(this);
        }

        public List<Integer> inputs() {
            return List.of(input);
        }

        public PlanOp withBuffers(IntUnaryOperator m) {
            return new LinearOp(name, m.applyAsInt(input), m.applyAsInt(output), inFeatures, outFeatures, weight, bias);
        }
    }
}
