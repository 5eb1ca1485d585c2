package dev.jresnet.gpu;

import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ownership: building and closing networks, and running many batches, leaves device memory (cudaMemGetInfo) and
 * pinned host memory where they were; use after close fails clearly; one network serves many threads. On the
 * simulated GPU every allocation, handle and descriptor is also checked to be freed after each test.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class GpuResourcesTest {
    /** One allocation granule of slack: a leak of one network per iteration would be far more. */
    static final long SLACK = 2L << 20;
    static final ModelConfig TINY = GpuTesting.tinyResNet();
    static final StateDict WEIGHTS = RandomWeights.generate(TINY.graph(), 8);
    static final GpuOptions SMALL = GpuTesting.options(2, 32);

    @Test
    void creatingAndClosing1000NetworksLeaksNothing() throws IOException {
        GpuResNet.create(TINY, WEIGHTS, "w", SMALL).close(); // warm-up: cuDNN and the kernels' first-use state
        long freeBefore = Gpu.deviceMemory(0)[0];
        long lockedBefore = lockedKiB();
        for (int i = 0; i < 1000; i++) {
            GpuResNet.create(TINY, WEIGHTS, "w", SMALL).close();
        }
        assertEquals(0, Gpu.pinnedHostBytes());
        assertTrue(Math.abs(Gpu.deviceMemory(0)[0] - freeBefore) <= SLACK,
                () -> "device memory free before " + freeBefore + ", after " + Gpu.deviceMemory(0)[0]);
        assertTrue(lockedKiB() <= lockedBefore + 1024, "pinned (locked) host memory grew");
    }

    @Test
    void tenThousandBatchesLeakNothing() throws IOException {
        Tensor batch = SeededRandom.normal(9, 2, 3, 32, 32);
        try (GpuResNet net = GpuResNet.create(TINY, WEIGHTS, "w", SMALL)) {
            Tensor first = net.forward(batch);
            long freeBefore = Gpu.deviceMemory(0)[0];
            long lockedBefore = lockedKiB();
            for (int i = 0; i < 10_000; i++) {
                net.forward(batch);
            }
            assertArrayEquals(first.data(), net.forward(batch).data(), "the same batch, the same logits");
            assertTrue(Math.abs(Gpu.deviceMemory(0)[0] - freeBefore) <= SLACK, "device memory changed while running");
            assertTrue(lockedKiB() <= lockedBefore + 1024, "pinned host memory grew while running");
        }
    }

    @Test
    void useAfterCloseFailsClearlyAndCloseTwiceIsHarmless() {
        GpuResNet net = GpuResNet.create(TINY, WEIGHTS, "w", SMALL);
        net.close();
        net.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.forward(SeededRandom.normal(1, 1, 3, 32, 32)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /** One network from 16 threads: calls are serialized (a lock per network) and each gets its own answer. */
    @Test
    void sixteenThreadsGetWhatOneThreadGets() throws Exception {
        try (GpuResNet net = GpuResNet.create(TINY, WEIGHTS, "w", GpuTesting.options(3, 32))) {
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> expected = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                inputs.add(SeededRandom.normal(200 + t, 1 + t % 3, 3, 32, 32));
                expected.add(net.forward(inputs.get(t)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Tensor>> results = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    Tensor in = inputs.get(i % 16);
                    results.add(pool.submit(() -> net.forward(in)));
                }
                for (int i = 0; i < results.size(); i++) {
                    assertArrayEquals(expected.get(i % 16).data(), results.get(i).get().data(), "call " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Locked and pinned host memory of this process, from /proc/self/status (cudaHostAlloc pins pages). */
    private static long lockedKiB() throws IOException {
        long kib = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:") || line.startsWith("VmPin:")) {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib;
    }
}
