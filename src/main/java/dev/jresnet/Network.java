package dev.jresnet;

import dev.jresnet.tensor.Tensor;

/** A network ready to run batches, on whichever device: what CpuResNet and GpuResNet have in common. */
public interface Network extends AutoCloseable {
    /** (N, C, H, W) -> (N, outputs). */
    Tensor forward(Tensor batch);

    /** Frees what the network holds; it cannot run afterwards. */
    @Override
    void close();
}
