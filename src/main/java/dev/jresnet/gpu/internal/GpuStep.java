package dev.jresnet.gpu.internal;

/** One plan op on the GPU, over the network's device buffers; everything it allocates belongs to the network. */
interface GpuStep {
    /**
     * Readies the step for batches of {@code n}: descriptors, and for convolutions the algorithm, chosen by measuring
     * within the workspace as it is now (which may then shrink to what the chosen algorithms need). Called once per
     * batch size, before any batch of that size runs; returns the workspace the step needs for it. Steps with no
     * descriptors or algorithms of their own need nothing.
     */
    default long prepare(int n, Workspace workspace) {
        return 0;
    }

    void run(int n, Workspace workspace);

    /** What runs, for logs: the op, and for convolutions the algorithm chosen per batch size. */
    String describe();
}
