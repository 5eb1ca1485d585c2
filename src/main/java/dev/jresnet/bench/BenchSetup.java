package dev.jresnet.bench;

import dev.jresnet.model.ModelConfig;
import dev.jresnet.weights.StateDict;

import java.nio.file.Path;

/**
 * What every backend of one benchmark run shares: the model and its weights (also on disk, for peers in other
 * processes), the input size, the thread count every CPU backend is held to, and a scratch folder.
 */
public record BenchSetup(ModelConfig config, StateDict weights, Path weightsFile, int threads, int height, int width,
                         int maxBatch, Path workDir, String python) {
}
