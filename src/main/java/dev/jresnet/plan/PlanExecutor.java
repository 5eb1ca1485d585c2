package dev.jresnet.plan;

import dev.jresnet.InputException;
import dev.jresnet.tensor.Tensor;

/** Runs one {@link Plan} on batches: (N, C, H, W) in, (N, outputs) out. Backends implement it. */
public interface PlanExecutor extends AutoCloseable {
    Plan plan();

    /**
     * @param batch float32 (N, C, H, W) matching the plan's input shape, N >= 1
     * @return (N, C) when the plan ends in a vector (logits, pooled features), else (N, C, H, W)
     * @throws InputException when the batch's shape does not match the plan
     */
    Tensor run(Tensor batch);

    @Override
    void close();

    /** The check every executor makes before touching data, so shape errors name both shapes. */
    static int checkBatch(Plan plan, Tensor batch) {
        int[] s = batch.shape();
        var in = plan.inputShape();
        if (s.length != 4 || s[0] < 1 || s[1] != in.channels() || s[2] != in.height() || s[3] != in.width()) {
            throw new InputException("input of shape " + batch.shapeString() + " does not match " + plan.model()
                    + "'s planned input (N, " + in.channels() + ", " + in.height() + ", " + in.width() + ")");
        }
        return s[0];
    }

    /** The shape of the output for a batch of n: (n, C) for vectors, (n, C, H, W) otherwise. */
    static int[] outputShape(Plan plan, int n) {
        var out = plan.outputShape();
        return out.height() == 1 && out.width() == 1 ? new int[]{n, out.channels()}
                : new int[]{n, out.channels(), out.height(), out.width()};
    }
}
