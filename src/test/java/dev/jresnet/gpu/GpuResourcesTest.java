package dev.jresnet.gpu;

import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ownership on a real GPU: building and closing networks, and running many batches, leaves device memory
 * (cudaMemGetInfo) and pinned host memory where they were; a max batch that cannot fit fails at construction,
 * clearly, and frees what it took. Runs only where there is a GPU.
 */
class GpuResourcesTest {
    /** One allocation granule of slack: a leak of one network per iteration would be gigabytes. */
    static final long SLACK = 2L << 20;
    static final StateDict WEIGHTS = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 8);
    static final GpuOptions SMALL = GpuOptions.defaults().withMaxBatch(2).withInputSize(64, 64);

    @BeforeEach
    void needsGpu() {
        assumeTrue(Gpu.probe().available(), () -> "no GPU: " + Gpu.probe().reason());
    }

    @Test
    void creatingAndClosing1000NetworksLeaksNothing() throws IOException {
        new GpuResNet18(WEIGHTS, "w", SMALL).close(); // warm-up: cuDNN and the kernels' first-use state
        long freeBefore = Gpu.deviceMemory()[0];
        long lockedBefore = lockedKiB();
        for (int i = 0; i < 1000; i++) {
            new GpuResNet18(WEIGHTS, "w", SMALL).close();
        }
        assertEquals(0, PinnedBuffer.liveBytes());
        assertTrue(Math.abs(Gpu.deviceMemory()[0] - freeBefore) <= SLACK,
                () -> "device memory free before " + freeBefore + ", after " + Gpu.deviceMemory()[0]);
        assertTrue(lockedKiB() <= lockedBefore + 1024, "pinned (locked) host memory grew");
    }

    @Test
    void tenThousandBatchesLeakNothing() throws IOException {
        Tensor batch = SeededRandom.normal(9, 2, 3, 64, 64);
        try (GpuResNet18 net = new GpuResNet18(WEIGHTS, "w", SMALL)) {
            Tensor first = net.forward(batch);
            long freeBefore = Gpu.deviceMemory()[0];
            long lockedBefore = lockedKiB();
            for (int i = 0; i < 10_000; i++) {
                net.forward(batch);
            }
            assertEquals(first.shapeString(), net.forward(batch).shapeString());
            assertTrue(Math.abs(Gpu.deviceMemory()[0] - freeBefore) <= SLACK, "device memory changed while running");
            assertTrue(lockedKiB() <= lockedBefore + 1024, "pinned host memory grew while running");
        }
    }

    @Test
    void aMaxBatchThatCannotFitFailsAtConstructionAndFreesWhatItTook() {
        long freeBefore = Gpu.deviceMemory()[0];
        DeviceMemoryException e = assertThrows(DeviceMemoryException.class,
                () -> new GpuResNet18(WEIGHTS, "w", GpuOptions.defaults().withMaxBatch(1_000_000)));
        assertTrue(e.getMessage().contains("max batch 1000000"), e.getMessage());
        assertTrue(e.getMessage().contains("a max batch of about"), e.getMessage());
        assertTrue(Math.abs(Gpu.deviceMemory()[0] - freeBefore) <= SLACK);
        assertEquals(0, PinnedBuffer.liveBytes());
    }

    @Test
    void useAfterCloseFailsClearlyAndCloseTwiceIsHarmless() {
        GpuResNet18 net = new GpuResNet18(WEIGHTS, "w", SMALL);
        net.close();
        net.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.forward(SeededRandom.normal(1, 1, 3, 64, 64)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /** One network from 16 threads: calls are serialized (a lock per network) and each gets its own answer. */
    @Test
    void sixteenThreadsGetWhatOneThreadGets() throws Exception {
        try (GpuResNet18 net = new GpuResNet18(WEIGHTS, "w", GpuOptions.defaults().withMaxBatch(3).withInputSize(64, 64))) {
            java.util.List<Tensor> inputs = new java.util.ArrayList<>();
            java.util.List<Tensor> expected = new java.util.ArrayList<>();
            for (int t = 0; t < 16; t++) {
                inputs.add(SeededRandom.normal(200 + t, 1 + t % 3, 3, 64, 64));
                expected.add(net.forward(inputs.get(t)));
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            try {
                java.util.List<java.util.concurrent.Future<Tensor>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    Tensor in = inputs.get(i % 16);
                    results.add(pool.submit(() -> net.forward(in)));
                }
                for (int i = 0; i < results.size(); i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get(i % 16).data(), results.get(i).get().data(),
                            "call " + i);
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
