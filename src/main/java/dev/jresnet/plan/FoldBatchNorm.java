package dev.jresnet.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folds an inference BatchNorm into the convolution that feeds it (when the BN is that convolution's only reader):
 * with s = gamma / sqrt(var + eps), the convolution's weight becomes w * s per output channel and its bias
 * (b - mean) * s + beta, b being the old bias or zero. Computed in double, rounded once to float.
 */
final class FoldBatchNorm {
    private FoldBatchNorm() {
    }

    static OpSequence apply(OpSequence seq) {
        Map<Integer, Integer> reads = seq.readCounts();
        Map<Integer, Integer> producers = seq.producers();
        List<PlanOp> ops = new ArrayList<>(seq.ops());
        for (int i = 0; i < ops.size(); i++) {
            if (!(ops.get(i) instanceof PlanOp.BatchNormOp bn)) {
                continue;
            }
            Integer p = producers.get(bn.input());
            if (p == null || !(ops.get(p) instanceof PlanOp.ConvOp conv) || reads.get(bn.input()) != 1) {
                continue;
            }
            ops.set(p, fold(conv, bn));
            ops.set(i, null);
        }
        ops.removeIf(op -> op == null);
        return seq.withOps(ops);
    }

    static PlanOp.ConvOp fold(PlanOp.ConvOp conv, PlanOp.BatchNormOp bn) {
        int channels = conv.spec().outChannels();
        int perChannel = conv.weight().length / channels;
        float[] weight = new float[conv.weight().length];
        float[] bias = new float[channels];
        for (int o = 0; o < channels; o++) {
            double scale = bn.gamma()[o] / Math.sqrt((double) bn.var()[o] + bn.eps());
            for (int k = o * perChannel; k < (o + 1) * perChannel; k++) {
                weight[k] = (float) (conv.weight()[k] * scale);
            }
            double oldBias = conv.bias() == null ? 0 : conv.bias()[o];
            bias[o] = (float) ((oldBias - bn.mean()[o]) * scale + bn.beta()[o]);
        }
        return new PlanOp.ConvOp(conv.name(), conv.input(), bn.output(), conv.residual(), conv.inShape(), conv.outShape(),
                conv.spec(), weight, bias, conv.relu());
    }
}
