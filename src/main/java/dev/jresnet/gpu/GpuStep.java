package dev.jresnet.gpu;

/** One plan op on the GPU, over the network's device buffers; everything it allocates belongs to the network. */
interface GpuStep {
    /**
     * Readies the step for batches of {@code n}: descriptors, and for convolutions the algorithm, chosen within
     * {@code workspaceLimit}. Called once per batch size; returns the workspace the step needs for it.
     */
    long prepare(int n, long workspaceLimit);

    void run(int n, DeviceBuffer workspace);

    /** What runs, for logs: the op, and for convolutions the algorithm chosen per batch size. */
    String describe();
}
