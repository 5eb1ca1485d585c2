package dev.jresnet.gpu;

import dev.jresnet.gpu.sim.SimulatedGpu;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.plan.Schedule;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.testing.Simulated;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our kernels load where jresnet claims they do: a CUDA 12.0 driver (525) on a Turing GPU (sm_75), the oldest pair
 * covered, as well as a CUDA 13 driver on Hopper (the other tests); an older GPU is refused naming what it is.
 * The simulated driver checks each module's PTX ISA version and target as a real one would.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class DriverCompatibilityTest {
    @ParameterizedTest
    @ValueSource(strings = {"cifar_resnet20_option_a", "separable_dilated_reflect", "digits_resnet18"})
    @Simulated("cuda12Turing")
    void ourKernelsRunOnACuda12DriverAndATuringGpu(String name, SimulatedGpu sim) throws Exception {
        ModelConfig config = ModelDescription.resolve(name);
        StateDict weights = RandomWeights.generate(config.graph(), 5);
        Tensor input = SeededRandom.normal(6, 2, config.graph().inputChannels(), 64, 64);
        Tensor cpu = GpuTesting.cpuLogits(config, weights, input);
        for (Schedule schedule : Schedule.values()) {
            try (GpuResNet gpu = GpuResNet.create(config, weights, name, GpuTesting.options(2, 64).withSchedule(schedule))) {
                assertTrue(gpu.gpu().driverCudaVersion() == 12000 && gpu.gpu().computeMajor() == 7);
                GpuParityTest.assertClose(name + " " + schedule + " on CUDA 12.0, sm_75", gpu.forward(input), cpu);
            }
        }
    }

    @Test
    @Simulated("volta")
    void aGpuOlderThanTuringIsRefusedNamingItsComputeCapability(SimulatedGpu sim) throws Exception {
        ModelConfig config = ModelDescription.resolve("cifar_resnet20_option_a");
        StateDict weights = RandomWeights.generate(config.graph(), 5);
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> GpuResNet.create(config, weights, "w",
                GpuTesting.options(2, 32)).forward(SeededRandom.normal(1, 1, 3, 32, 32)));
        assertTrue(e.getMessage().contains("compute capability 7.0"), e.getMessage());
        assertTrue(e.getMessage().contains("7.5"), e.getMessage());
    }
}
