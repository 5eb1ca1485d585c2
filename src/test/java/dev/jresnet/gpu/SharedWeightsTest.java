package dev.jresnet.gpu;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Networks built from the same weights object, with the same plan options, on one GPU hold one device copy of the
 * parameters: the second takes resnet18's 11.7 million parameters (46.8 MB in fp32) less than the first; it keeps
 * them when the first closes; the last to close frees them. Another precision is another copy.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class SharedWeightsTest {
    private static final ResNetConfig RESNET18 = ResNetConfig.named("resnet18");
    private static final StateDict WEIGHTS = RandomWeights.generate(RESNET18.graph(), 61);
    /**
     * resnet18's parameters after BatchNorm folding: its 11,689,512 less one per BatchNorm channel (9,600), since each
     * BatchNorm's scale and shift per channel become one bias of the convolution before it.
     */
    private static final long PARAMETER_BYTES = 4L * (11_689_512 - 9_600);

    @Test
    void networksOfTheSameWeightsShareOneDeviceCopy() {
        Tensor input = SeededRandom.normal(62, 2, 3, 64, 64);
        Tensor expected;
        try (CpuResNet cpu = CpuResNet.create(RESNET18, WEIGHTS, "w")) {
            expected = cpu.forward(input);
        }
        long before = free();
        GpuResNet first = GpuResNet.create(RESNET18, WEIGHTS, "w", GpuTesting.options(2, 64));
        long usedByFirst = before - free();
        long beforeSecond = free();
        try (GpuResNet second = GpuResNet.create(RESNET18, WEIGHTS, "w", GpuTesting.options(2, 64))) {
            long usedBySecond = beforeSecond - free();
            assertTrue(usedByFirst - usedBySecond >= PARAMETER_BYTES, () -> "the first took " + usedByFirst
                    + " bytes, the second " + usedBySecond + ": the parameters were not shared");
            first.close();
            GpuParityTest.assertClose("the second network after the first closed", second.forward(input), expected);
            long beforeOther = free();
            try (GpuResNet half = GpuResNet.create(RESNET18, WEIGHTS, "w", GpuTesting.options(2, 64)
                    .withPrecision(Precision.FP16))) {
                assertTrue(beforeOther - free() >= PARAMETER_BYTES / 2, "fp16 parameters are a copy of their own");
                assertEquals(1000, half.forward(input).dim(1));
            }
        }
        assertEquals(before, free(), "the last network to close freed the parameters");
    }

    /** Concurrent callers, each with its own network of the same weights: each gets what one network gives alone. */
    @Test
    void concurrentCallersWithANetworkEachGetTheSameAnswers() throws Exception {
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inputs.add(SeededRandom.normal(70 + i, 1 + i % 2, 3, 32, 32));
        }
        List<Tensor> expected = new ArrayList<>();
        try (GpuResNet alone = GpuResNet.create(RESNET18, WEIGHTS, "w", GpuTesting.options(2, 32))) {
            for (Tensor in : inputs) {
                expected.add(alone.forward(in));
            }
        }
        List<GpuResNet> nets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 4; i++) {
                nets.add(GpuResNet.create(RESNET18, WEIGHTS, "w", GpuTesting.options(2, 32)));
            }
            List<Future<Tensor>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                GpuResNet net = nets.get(i % 4);
                Tensor in = inputs.get(i % 4);
                results.add(pool.submit(() -> net.forward(in)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % 4).data(), results.get(i).get().data(), "call " + i);
            }
        } finally {
            pool.shutdownNow();
            nets.forEach(GpuResNet::close);
        }
    }

    private static long free() {
        return Gpu.deviceMemory(0)[0];
    }
}
