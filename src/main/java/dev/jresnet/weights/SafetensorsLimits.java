package dev.jresnet.weights;

/**
 * What a safetensors file may cost to read; each limit is named in the error that reports it. Tensor bytes need no
 * limit of their own: every tensor is checked to lie inside the file before anything is allocated.
 *
 * @param maxHeaderBytes the JSON header (the reference implementation's cap is 100 MB)
 * @param maxTensors     entries in the header
 */
public record SafetensorsLimits(long maxHeaderBytes, int maxTensors) {
    public static final SafetensorsLimits DEFAULT = new SafetensorsLimits(100L << 20, 100_000);
}
