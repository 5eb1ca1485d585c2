package dev.jresnet.weights;

import dev.jresnet.model.Graph;
import dev.jresnet.model.ParameterSpec;
import dev.jresnet.tensor.SeededRandom;

import java.nio.charset.StandardCharsets;

/**
 * Seeded weights for a graph: torchvision's initialisation for convolutions (Kaiming normal, fan_out, ReLU gain)
 * and PyTorch's default for linear layers and conv biases (uniform within 1/sqrt(fan_in)), but BatchNorm randomized
 * (torchvision's weight=1, bias=0, mean=0, var=1 would make BN the identity and hide BN bugs):
 * weight ~ U(0.5, 1.5), bias ~ N(0, 0.1^2), running_mean ~ N(0, 0.1^2), running_var ~ U(0.5, 1.5).
 *
 * <p>Each tensor draws from its own generator, seeded from (seed, key), and uses only StrictMath, so the
 * values are the same on every JVM ({@link SeededRandom}) and do not depend on which other tensors exist.
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    public static StateDict generate(Graph graph, long seed) {
        StateDict dict = new StateDict();
        for (ParameterSpec p : graph.parameters()) {
            SeededRandom random = new SeededRandom(seed * 0x9E3779B97F4A7C15L ^ fnv1a(p.key()));
            int n = (int) p.elements();
            if (!p.role().floatingPoint()) {
                dict.put(p.key(), TensorData.ofLongs(p.shape(), new long[n]));
                continue;
            }
            float[] v = new float[n];
            switch (p.role()) {
                case CONV_WEIGHT -> random.fillNormal(v, StrictMath.sqrt(2.0 / p.fanOut()));
                case CONV_BIAS, LINEAR_WEIGHT, LINEAR_BIAS -> {
                    double bound = 1.0 / StrictMath.sqrt(p.fanIn());
                    random.fillUniform(v, -bound, bound);
                }
                case BN_WEIGHT, BN_RUNNING_VAR -> random.fillUniform(v, 0.5, 1.5);
                case BN_BIAS, BN_RUNNING_MEAN -> random.fillNormal(v, 0.1);
                default -> throw new IllegalStateException("no initialisation for " + p.role());
            }
            dict.put(p.key(), TensorData.ofFloats(p.shape(), v));
        }
        return dict;
    }

    private static long fnv1a(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }
}
