package dev.jresnet.weights;

import dev.jresnet.model.ResNetConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightsValidatorTest {
    private final ResNetConfig resnet18 = ResNetConfig.named("resnet18");

    @Test
    void reportsEveryMissingUnexpectedAndMisShapedKeyAtOnce() {
        StateDict w = RandomWeights.generate(resnet18.graph(), 1);
        StateDict broken = new StateDict();
        w.entries().forEach((k, v) -> {
            if (!k.equals("layer1.0.conv1.weight") && !k.equals("fc.bias")) {
                broken.put(k, v);
            }
        });
        broken.put("layer2.0.bn1.running_var", TensorData.ofFloats(new int[]{64}, new float[64]));
        broken.put("fc.weight", TensorData.ofFloats(new int[]{10, 512}, new float[5120]));
        broken.put("head.weight", TensorData.ofFloats(new int[]{1}, new float[1]));
        broken.put("layer1.0.bn1.weight", TensorData.ofLongs(new int[]{64}, new long[64]));

        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> WeightsValidator.check(resnet18.graph(), broken, "w.safetensors"));
        assertEquals(List.of("layer1.0.conv1.weight", "fc.bias"), e.missing());
        assertEquals(List.of("head.weight"), e.unexpected());
        assertEquals(List.of("layer1.0.bn1.weight is I64, expected a floating type",
                "layer2.0.bn1.running_var is [64], expected [128]",
                "fc.weight is [10, 512], expected [1000, 512]"), e.misShaped());
        assertTrue(e.getMessage().startsWith("w.safetensors: weights do not match resnet18 (2 missing: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void numBatchesTrackedIsOptionalAsInPyTorch() {
        StateDict w = RandomWeights.generate(resnet18.graph(), 1);
        StateDict without = new StateDict();
        w.entries().forEach((k, v) -> {
            if (!k.endsWith("num_batches_tracked")) {
                without.put(k, v);
            }
        });
        assertDoesNotThrow(() -> WeightsValidator.check(resnet18.graph(), without, "x"));
        assertDoesNotThrow(() -> WeightsValidator.check(resnet18.graph(), w, "x"));
    }
}
