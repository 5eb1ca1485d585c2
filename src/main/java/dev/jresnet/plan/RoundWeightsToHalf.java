package dev.jresnet.plan;

import dev.jresnet.tensor.Float16;

import java.util.ArrayList;
import java.util.List;

/**
 * The fp16 plan's weights: every convolution's and linear layer's weight and bias rounded to the nearest binary16
 * (and widened back, exactly), after BatchNorm folding, as an fp16 device copy would hold them. An unfolded
 * BatchNorm keeps float32 parameters, as cuDNN's half-precision BatchNorm inference takes them.
 */
final class RoundWeightsToHalf {
    private RoundWeightsToHalf() {
    }

    static OpSequence apply(OpSequence seq) {
        List<PlanOp> ops = new ArrayList<>(seq.ops().size());
        for (PlanOp op : seq.ops()) {
            if (op instanceof PlanOp.ConvOp c) {
                op = new PlanOp.ConvOp(c.name(), c.input(), c.output(), c.residual(), c.inShape(), c.outShape(), c.spec(),
                        rounded(c.weight()), rounded(c.bias()), c.relu());
            } else if (op instanceof PlanOp.LinearOp l) {
                op = new PlanOp.LinearOp(l.name(), l.input(), l.output(), l.inFeatures(), l.outFeatures(), rounded(l.weight()),
                        rounded(l.bias()));
            }
            ops.add(op);
        }
        return seq.withOps(ops);
    }

    /** Each value rounded to binary16 and widened back; null stays null. */
    static float[] rounded(float[] values) {
        if (values == null) {
            return null;
        }
        float[] out = values.clone();
        Float16.roundInPlace(out, 0, out.length);
        return out;
    }
}
