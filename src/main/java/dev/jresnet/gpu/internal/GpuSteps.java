package dev.jresnet.gpu.internal;

import dev.jresnet.plan.Plan;
import dev.jresnet.plan.PlanOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the GPU implementation of each plan op, and says what parameters they read. A global average pooling read
 * only by the linear layer after it becomes one {@link ClassifierStep} with it; a linear layer must come so.
 */
final class GpuSteps {
    private GpuSteps() {
    }

    static List<GpuStep> of(Plan plan, GpuContext ctx, Descriptors d, DeviceParameters parameters, Resources r,
                            DeviceBuffer[] buffers, int maxBatch) {
        List<PlanOp> ops = plan.ops();
        List<GpuStep> steps = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            PlanOp op = ops.get(i);
            PlanOp.LinearOp classifier = classifierAfter(plan, i);
            if (classifier != null) {
                steps.add(new ClassifierStep(ctx, d, parameters, r, (PlanOp.GlobalAvgPoolOp) op, classifier, buffers, maxBatch));
                i++;
            } else {
                steps.add(step(op, ctx, d, parameters, buffers));
            }
        }
        return steps;
    }

    private static GpuStep step(PlanOp op, GpuContext ctx, Descriptors d, DeviceParameters parameters, DeviceBuffer[] buffers) {
        return op.accept(new PlanOp.Visitor<GpuStep>() {
            public GpuStep conv(PlanOp.ConvOp c) {
                return new ConvStep(ctx, d, parameters, c, buffers);
            }

            public GpuStep batchNorm(PlanOp.BatchNormOp b) {
                return new BatchNormStep(ctx, d, parameters, b, buffers);
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
                throw new IllegalStateException("the GPU runs a linear layer only right after the global average pooling "
                        + "it alone reads, as ResNets have it; " + l.name() + " is not");
            }
        });
    }

    /** The linear layer that op i (a global average pooling) feeds, when it is next and the pooling's only reader. */
    private static PlanOp.LinearOp classifierAfter(Plan plan, int i) {
        List<PlanOp> ops = plan.ops();
        if (!(ops.get(i) instanceof PlanOp.GlobalAvgPoolOp pool) || i + 1 >= ops.size()
                || !(ops.get(i + 1) instanceof PlanOp.LinearOp linear) || linear.input() != pool.output()
                || pool.output() == plan.outputBuffer()) {
            return null;
        }
        for (int later = i + 2; later < ops.size(); later++) {
            if (ops.get(later).inputs().contains(pool.output())) {
                return null;
            }
        }
        return linear;
    }

    /** What the plan's steps read from {@link DeviceParameters}, in the network's precision and layout. */
    static List<DeviceParameters.Host> parameters(Plan plan, DevicePrecision precision) {
        List<DeviceParameters.Host> all = new ArrayList<>();
        for (PlanOp op : plan.ops()) {
            if (op instanceof PlanOp.ConvOp c) {
                all.addAll(ConvStep.parameters(c, precision));
            } else if (op instanceof PlanOp.BatchNormOp b) {
                all.addAll(BatchNormStep.parameters(b));
            } else if (op instanceof PlanOp.LinearOp l) {
                all.addAll(ClassifierStep.parameters(l, precision));
            }
        }
        return all;
    }

    /** The features buffers of the plan's classifiers, which their steps allocate, in bytes. */
    static long classifierBytes(Plan plan, DevicePrecision precision, int maxBatch) {
        long total = 0;
        for (PlanOp op : plan.ops()) {
            if (op instanceof PlanOp.LinearOp l) {
                total += ClassifierStep.featureBytes(l, precision, maxBatch);
            }
        }
        return total;
    }
}
