package dev.jresnet.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A 16-bit plan's weights: every convolution's and linear layer's weight and bias rounded to the nearest binary16 or
 * bfloat16 (and widened back, exactly), after BatchNorm folding, as a half-precision device copy holds them. An
 * unfolded BatchNorm keeps float32 parameters, as cuDNN's half-precision BatchNorm inference takes them.
 */
final class RoundWeightsToHalf {
    private RoundWeightsToHalf() {
    }

    static OpSequence apply(OpSequence seq, Precision precision) {
        List<PlanOp> ops = new ArrayList<>(seq.ops().size());
        for (PlanOp op : seq.ops()) {
            if (op instanceof PlanOp.ConvOp c) {
                op = new PlanOp.ConvOp(c.name(), c.input(), c.output(), c.residual(), c.inShape(), c.outShape(), c.spec(),
                        rounded(c.weight(), precision), rounded(c.bias(), precision), c.relu());
            } else if (op instanceof PlanOp.LinearOp l) {
                op = new PlanOp.LinearOp(l.name(), l.input(), l.output(), l.inFeatures(), l.outFeatures(),
                        rounded(l.weight(), precision), rounded(l.bias(), precision));
            }
            ops.add(op);
        }
        return seq.withOps(ops);
    }

    /** Each value rounded to the precision's storage and widened back; null stays null. */
    static float[] rounded(float[] values, Precision precision) {
        if (values == null) {
            return null;
        }
        float[] out = values.clone();
        precision.roundStorage(out, 0, out.length);
        return out;
    }
}
