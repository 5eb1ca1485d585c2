package dev.jresnet.bench;

import dev.jresnet.tensor.Tensor;

/** One way of running batches, timed by {@link Bench}: ours (CPU, GPU) or a peer's in this process. */
public interface Backend extends AutoCloseable {
    String name();

    /** Runs one batch (N, C, H, W) and returns its logits. */
    Tensor run(Tensor batch) throws Exception;

    /** Text for the report, e.g. the kernels and threads in use. */
    default String details() {
        return "";
    }

    @Override
    void close();
}
