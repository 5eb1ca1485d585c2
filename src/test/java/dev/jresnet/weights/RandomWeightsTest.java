package dev.jresnet.weights;

import dev.jresnet.model.ResNetConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomWeightsTest {
    private final StateDict resnet18 = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 5);

    @Test
    void sameSeedSameValuesAndEachTensorIndependentOfTheOthers() {
        StateDict again = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 5);
        for (String k : resnet18.keys()) {
            assertEquals(resnet18.get(k).orElseThrow(), again.get(k).orElseThrow(), k);
        }
        // resnet34 has the same stem: its conv1.weight must be the same draw.
        StateDict resnet34 = RandomWeights.generate(ResNetConfig.named("resnet34").graph(), 5);
        assertArrayEquals(resnet18.floats("conv1.weight"), resnet34.floats("conv1.weight"));
        StateDict otherSeed = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 6);
        assertFalse(Arrays.equals(resnet18.floats("conv1.weight"), otherSeed.floats("conv1.weight")));
    }

    @Test
    void convolutionsFollowKaimingNormalWithFanOut() {
        float[] w = resnet18.floats("layer1.0.conv1.weight"); // (64, 64, 3, 3): fan_out = 64 * 9
        double expectedStd = Math.sqrt(2.0 / (64 * 9));
        double mean = 0;
        for (float v : w) {
            mean += v;
        }
        mean /= w.length;
        double var = 0;
        for (float v : w) {
            var += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(var / w.length);
        // 36,864 draws: the sample std is within 2% of the true one with overwhelming probability.
        assertEquals(expectedStd, std, 0.02 * expectedStd);
        assertEquals(0, mean, 4 * expectedStd / Math.sqrt(w.length));
    }

    @Test
    void batchNormIsRandomizedWithinItsRangesAndLinearIsBounded() {
        for (float v : resnet18.floats("bn1.weight")) {
            assertTrue(v >= 0.5f && v < 1.5f, "bn weight " + v);
        }
        for (float v : resnet18.floats("layer4.1.bn2.running_var")) {
            assertTrue(v >= 0.5f && v < 1.5f, "running var " + v);
        }
        float[] mean = resnet18.floats("layer3.0.bn1.running_mean");
        assertTrue(IntStream.range(0, mean.length).anyMatch(i -> mean[i] != 0f));
        double bound = 1 / Math.sqrt(512);
        for (float v : resnet18.floats("fc.weight")) {
            assertTrue(Math.abs(v) <= bound, "fc weight " + v);
        }
        assertEquals(DType.I64, resnet18.get("bn1.num_batches_tracked").orElseThrow().dtype());
    }
}
