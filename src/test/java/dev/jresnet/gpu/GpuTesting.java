package dev.jresnet.gpu;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.StateDict;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the GPU tests share: options that keep the algorithm cache in memory, a network small enough to build often, and
 * the CPU's logits the GPU's are held to.
 */
final class GpuTesting {
    private GpuTesting() {
    }

    /** The default options at this maximum batch and square input size, measuring algorithms in memory only. */
    static GpuOptions options(int maxBatch, int size) {
        return options(maxBatch, size, size);
    }

    static GpuOptions options(int maxBatch, int height, int width) {
        return GpuOptions.defaults().withAlgorithmCache(null).withMaxBatch(maxBatch).withInputSize(height, width);
    }

    /**
     * A ResNet with every kind of step jresnet runs (stem convolution and max pool, a basic block with an identity
     * shortcut, one with a convolution shortcut, global pooling, the classifier) but few channels: for tests that
     * build and run networks thousands of times.
     */
    static ModelConfig tinyResNet() {
        try {
            return ModelDescription.parse("""
                    {"name": "tiny", "in_channels": 3, "num_classes": 10,
                     "stem": {"channels": 8, "kernel_size": 3, "stride": 1,
                              "max_pool": {"kernel_size": 3, "stride": 2, "padding": 1}},
                     "stages": [{"channels": 8, "blocks": 1, "stride": 1}, {"channels": 16, "blocks": 1, "stride": 2}],
                     "block": {"kernel_size": 3}}""", "tiny");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CPU path's logits (default options): what the GPU tests compare with. */
    static Tensor cpuLogits(ModelConfig config, StateDict weights, Tensor input) {
        try (CpuResNet net = CpuResNet.create(config, weights, "the CPU reference")) {
            return net.forward(input);
        }
    }
}
