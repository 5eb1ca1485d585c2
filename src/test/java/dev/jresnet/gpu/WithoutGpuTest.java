package dev.jresnet.gpu;

import dev.jresnet.cli.Main;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.weights.RandomWeights;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** On a machine without a GPU the GPU path says so plainly, and nothing crashes. */
class WithoutGpuTest {
    @Test
    void probeExplainsWhyThereIsNoGpu() {
        Gpu.Status status = Gpu.probe();
        assumeFalse(status.available(), "this machine has a GPU");
        assertFalse(status.reason().isBlank());
        assertTrue(status.reason().contains("cudaGetDeviceCount") || status.reason().contains("cannot"), status.reason());
    }

    @Test
    void buildingAGpuNetworkFailsWithTheReason() {
        assumeFalse(Gpu.probe().available(), "this machine has a GPU");
        var weights = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 0);
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> new GpuResNet18(weights, "w"));
        assertEquals(Gpu.probe().reason(), e.getMessage());
    }

    @Test
    void doctorExitsNonZero() {
        assumeFalse(Gpu.probe().available(), "this machine has a GPU");
        assertEquals(1, Main.run("doctor"));
    }
}
