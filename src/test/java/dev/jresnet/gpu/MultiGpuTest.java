package dev.jresnet.gpu;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Choosing the GPU: networks on two devices at once, each allocating on its own, and a device that is not there. */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class MultiGpuTest {
    private static final ModelConfig TINY = GpuTesting.tinyResNet();
    private static final StateDict WEIGHTS = RandomWeights.generate(TINY.graph(), 12);

    @Test
    void twoNetworksOnTwoGpusEachUseTheirOwnAndMatchTheCpu() throws Exception {
        assumeTrue(Gpu.probe().devices().size() >= 2, "this machine has one GPU");
        Tensor batch = SeededRandom.normal(13, 3, 3, 32, 32);
        Tensor expected;
        try (CpuResNet cpu = CpuResNet.create(TINY, WEIGHTS, "w")) {
            expected = cpu.forward(batch);
        }
        long free0 = Gpu.deviceMemory(0)[0];
        long free1 = Gpu.deviceMemory(1)[0];
        try (GpuResNet first = GpuResNet.create(TINY, WEIGHTS, "w", GpuTesting.options(3, 32).withDevice(0));
             GpuResNet second = GpuResNet.create(TINY, WEIGHTS, "w", GpuTesting.options(3, 32).withDevice(1))) {
            assertEquals(1, second.gpu().device());
            assertTrue(Gpu.deviceMemory(1)[0] < free1, "the second network allocated on GPU 1");
            Thread other = new Thread(() -> GpuParityTest.assertClose("GPU 1", second.forward(batch), expected));
            other.start();
            GpuParityTest.assertClose("GPU 0", first.forward(batch), expected);
            other.join();
        }
        assertEquals(free0, Gpu.deviceMemory(0)[0]);
        assertEquals(free1, Gpu.deviceMemory(1)[0]);
    }

    @Test
    void aGpuThatIsNotThereIsRefusedNamingHowManyThereAre() {
        int count = Gpu.probe().devices().size();
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class,
                () -> GpuResNet.create(TINY, WEIGHTS, "w", GpuTesting.options(1, 32).withDevice(count)));
        assertTrue(e.getMessage().contains("GPU " + count + " was asked for"), e.getMessage());
    }
}
