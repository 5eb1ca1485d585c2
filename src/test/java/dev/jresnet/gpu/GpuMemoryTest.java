package dev.jresnet.gpu;


import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.testing.Simulated;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits of a network's size: device memory (everything counted, and the max batch the refusal suggests really
 * fits) and cuDNN's per-tensor limit of 2^31 - 1 elements, both refused before anything is allocated.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class GpuMemoryTest {
    private static final StateDict RESNET18 = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 8);
    private static final Pattern SUGGESTED = Pattern.compile("a max batch of about (\\d+) fits");

    @Test
    void aMaxBatchThatCannotFitFailsAtConstructionAndFreesWhatItTook() {
        long freeBefore = Gpu.deviceMemory(0)[0];
        DeviceMemoryException e = assertThrows(DeviceMemoryException.class,
                () -> new GpuResNet18(RESNET18, "w", GpuTesting.options(1_000_000, 224)));
        assertTrue(e.getMessage().contains("max batch 1000000"), e.getMessage());
        assertTrue(SUGGESTED.matcher(e.getMessage()).find(), e.getMessage());
        assertEquals(freeBefore, Gpu.deviceMemory(0)[0]);
        assertEquals(0, Gpu.pinnedHostBytes());
    }

    /** The refusal's suggestion is a promise: a network of that max batch builds and runs (here on a 1 GiB GPU). */
    @Test
    @Simulated("oneGiB")
    void theMaxBatchSuggestedWhenOneDoesNotFitDoesFit() {
        DeviceMemoryException e = assertThrows(DeviceMemoryException.class,
                () -> new GpuResNet18(RESNET18, "w", GpuTesting.options(1_000_000, 224)));
        Matcher m = SUGGESTED.matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        int suggested = Integer.parseInt(m.group(1));
        assertTrue(suggested >= 1, e.getMessage());
        try (GpuResNet18 net = new GpuResNet18(RESNET18, "w", GpuTesting.options(suggested, 224))) {
            assertEquals(1000, net.forward(SeededRandom.normal(1, 1, 3, 224, 224)).dim(1));
        }
    }

    /**
     * resnet50's largest activation at 224x224 is 802,816 elements per image, so a batch of 2,675 makes a tensor of
     * more than 2^31 - 1 elements, which cuDNN's legacy API refuses: jresnet says so before allocating, with the
     * largest batch that stays under the limit (2^31 - 1 = 2,147,483,647; 2,674 x 802,816 = 2,146,729,984). The GPU
     * must hold 2,675 images' activations for this limit to be the one reached: an H200's 141 GiB does.
     */
    @Test
    @Simulated("h200") // on a smaller GPU, memory runs out first
    void aBatchOverCudnnsPerTensorLimitIsRefusedNamingTheLargestThatFits() {
        StateDict resnet50 = RandomWeights.generate(ResNetConfig.named("resnet50").graph(), 8);
        long freeBefore = Gpu.deviceMemory(0)[0];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuResNet.create(
                ResNetConfig.named("resnet50"), resnet50, "w", GpuTesting.options(2675, 224)));
        assertTrue(e.getMessage().contains("2674"), e.getMessage());
        assertTrue(e.getMessage().contains("2^31"), e.getMessage());
        assertEquals(freeBefore, Gpu.deviceMemory(0)[0]);
    }
}
