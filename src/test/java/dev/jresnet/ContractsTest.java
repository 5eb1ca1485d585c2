package dev.jresnet;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API's promises on the CPU: closing, shapes checked first, NaN/Inf contained to their sample, many threads. */
class ContractsTest {
    private static final ResNetConfig RESNET18 = ResNetConfig.named("resnet18");
    private static final StateDict WEIGHTS = RandomWeights.generate(RESNET18.graph(), 2);

    @Test
    void useAfterCloseFailsAndCloseTwiceIsHarmless() {
        CpuResNet net = CpuResNet.create(RESNET18, WEIGHTS, "w");
        net.close();
        assertDoesNotThrow(net::close);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.forward(SeededRandom.normal(1, 1, 3, 32, 32)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void wrongShapesFailBeforeAnyWork() {
        try (CpuResNet net = CpuResNet.create(RESNET18, WEIGHTS, "w")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.zeros(3, 32, 32)))
                    .getMessage().contains("expected an (N, C, H, W) batch"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.zeros(1, 4, 32, 32)))
                    .getMessage().contains("takes 3 input channels"));
        }
    }

    /** NaN or infinity in one image gives NaN/infinite logits for that image only, never an exception. */
    @Test
    void nanAndInfinityStayInTheirOwnSample() {
        for (CpuOptions cpu : List.of(CpuOptions.plain(), CpuOptions.fast(2))) {
            for (float poison : new float[]{Float.NaN, Float.POSITIVE_INFINITY}) {
                Tensor batch = SeededRandom.normal(5, 2, 3, 32, 32);
                Tensor clean;
                try (CpuResNet net = CpuResNet.create(RESNET18, WEIGHTS, "w", PlannerOptions.FUSED, cpu)) {
                    clean = net.forward(batch.slice(0, 1));
                    batch.data()[3 * 32 * 32 + 100] = poison; // one pixel of the second image
                    Tensor out = net.forward(batch);
                    assertArrayEquals(clean.data(), Arrays.copyOf(out.data(), 1000), "the clean image is untouched");
                    for (int j = 1000; j < 2000; j++) {
                        float v = out.data()[j];
                        assertTrue(Float.isNaN(v) || Float.isInfinite(v), cpu.kernels() + " " + poison + ": logit " + v);
                    }
                }
            }
        }
    }

    @Test
    void sixteenThreadsGetWhatOneThreadGets() throws Exception {
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> expected = new ArrayList<>();
        try (CpuResNet net = CpuResNet.create(RESNET18, WEIGHTS, "w")) {
            for (int t = 0; t < 16; t++) {
                inputs.add(SeededRandom.normal(100 + t, 1 + t % 3, 3, 32 + (t % 2) * 8, 32));
                expected.add(net.forward(inputs.get(t)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Tensor>> results = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (int t = 0; t < 16; t++) {
                        Tensor in = inputs.get(t);
                        results.add(pool.submit(() -> net.forward(in)));
                    }
                }
                for (int i = 0; i < results.size(); i++) {
                    assertArrayEquals(expected.get(i % 16).data(), results.get(i).get().data(), "call " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(16, inputs.size());
    }
}
