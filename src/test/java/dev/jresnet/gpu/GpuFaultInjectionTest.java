package dev.jresnet.gpu;

import dev.jresnet.gpu.sim.SimulatedGpu;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.plan.Schedule;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every call a network makes can fail (the simulated GPU fails the k-th one on purpose, for every k): a constructor
 * that fails frees everything it took, and a batch that fails throws a clear error and leaves the network usable,
 * giving the right answer to the next batch.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class GpuFaultInjectionTest {
    private static final ModelConfig TINY = GpuTesting.tinyResNet();
    private static final StateDict WEIGHTS = RandomWeights.generate(TINY.graph(), 3);

    @ParameterizedTest
    @EnumSource(Schedule.class)
    void aConstructorThatFailsAtAnyCallFreesEverythingItTook(Schedule schedule, SimulatedGpu sim) {
        GpuOptions options = GpuTesting.options(2, 32).withSchedule(schedule).withCudaGraphs(true);
        GpuResNet.create(TINY, WEIGHTS, "w", options).close(); // measures the algorithms: later builds find them cached
        sim.failCall(SimulatedGpu.Calls.ANY, Integer.MAX_VALUE);
        GpuResNet.create(TINY, WEIGHTS, "w", options).close();
        int calls = sim.callsSeen(SimulatedGpu.Calls.ANY);
        assertTrue(calls > 50, "a network is built with " + calls + " calls");
        for (int k = 1; k <= calls; k++) {
            sim.failCall(SimulatedGpu.Calls.ANY, k);
            try {
                GpuResNet.create(TINY, WEIGHTS, "w", options).close();
            } catch (CudaException | DeviceMemoryException e) {
                assertTrue(e.getMessage().contains("failed") || e.getMessage().contains("out of GPU memory"), e.getMessage());
            }
            assertEquals(List.of(), sim.leaks(), "after failing call " + k + ": " + sim.injectedFailures());
        }
        assertEquals(calls, sim.injectedFailures().size(), "each call was failed once");
    }

    /**
     * A batch of 5 in chunks of 2 (three chunks through the copy pipeline), with the steps launched one by one or, after
     * the warm-up and the capture, replayed as CUDA graphs.
     */
    @ParameterizedTest
    @EnumSource(Schedule.class)
    void aBatchThatFailsAtAnyCallLeavesTheNetworkUsable(Schedule schedule, SimulatedGpu sim) {
        Tensor batch = SeededRandom.normal(4, 5, 3, 32, 32);
        for (boolean graphs : new boolean[]{false, true}) {
            try (GpuResNet net = GpuResNet.create(TINY, WEIGHTS, "w", GpuTesting.options(2, 32).withSchedule(schedule)
                    .withCudaGraphs(graphs))) {
                Tensor expected = net.forward(batch);
                net.forward(batch); // with graphs: captured now, replayed from the next batch on
                sim.failCall(SimulatedGpu.Calls.ANY, Integer.MAX_VALUE);
                net.forward(batch);
                int calls = sim.callsSeen(SimulatedGpu.Calls.ANY);
                for (int k = 1; k <= calls; k++) {
                    sim.failCall(SimulatedGpu.Calls.ANY, k);
                    CudaException e = assertThrows(CudaException.class, () -> net.forward(batch), "failing call " + k
                            + (graphs ? " of a replay" : ""));
                    assertTrue(e.getMessage().contains("failed"), e.getMessage());
                    assertArrayEquals(expected.data(), net.forward(batch).data(), "the batch after failing call " + k);
                }
            }
        }
    }
}
