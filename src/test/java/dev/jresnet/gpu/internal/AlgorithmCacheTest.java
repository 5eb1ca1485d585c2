package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.GpuInfo;
import dev.jresnet.plan.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The on-disk algorithm cache, without a GPU: what a second start reads, and what it must shrug off. */
class AlgorithmCacheTest {
    private static final GpuInfo H100 = new GpuInfo(0, "NVIDIA H100 80GB HBM3", 80L << 30, 9, 0, 132, 13000, 12060, 91000);
    private static final GpuInfo H100_NEWER_CUDNN = new GpuInfo(0, "NVIDIA H100 80GB HBM3", 80L << 30, 9, 0, 132, 13000, 12060, 91100);
    private static final String SHAPE = "x8x64x56x56|3x3 s1 p1 64->64|y64x56x56";
    private static final List<ConvAlgorithms.Measured> MEASURED = List.of(
            new ConvAlgorithms.Measured(1, 0.021f, 0, 3), new ConvAlgorithms.Measured(6, 0.017f, 1 << 20, 1));

    @Test
    void aSecondStartReadsWhatTheFirstMeasured(@TempDir Path dir) {
        Path file = dir.resolve("cache/conv-algorithms.json");
        String key = AlgorithmCache.key(H100, Precision.FP32, SHAPE);
        new AlgorithmCache(file).put(key, MEASURED);
        AlgorithmCache second = new AlgorithmCache(file);
        assertEquals(Optional.of(MEASURED), second.get(key));
        // Another cuDNN or another precision measures afresh.
        assertEquals(Optional.empty(), second.get(AlgorithmCache.key(H100_NEWER_CUDNN, Precision.FP32, SHAPE)));
        assertEquals(Optional.empty(), second.get(AlgorithmCache.key(H100, Precision.FP16, SHAPE)));
    }

    @Test
    void processesSavingTheSameFileKeepEachOthersEntries(@TempDir Path dir) {
        Path file = dir.resolve("conv-algorithms.json");
        AlgorithmCache a = new AlgorithmCache(file);
        AlgorithmCache b = new AlgorithmCache(file);
        a.put("a", MEASURED);
        b.put("b", MEASURED.subList(0, 1));
        AlgorithmCache c = new AlgorithmCache(file);
        assertEquals(2, c.size());
        assertEquals(Optional.of(MEASURED), c.get("a"));
    }

    @Test
    void aCorruptOrForeignFileIsAnEmptyCacheAndIsRewritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conv-algorithms.json");
        Files.writeString(file, "{\"format\": 1, \"entries\": {\"k\": [{\"algo\": 1, \"milli");
        AlgorithmCache cache = new AlgorithmCache(file);
        assertEquals(0, cache.size());
        cache.put("k", MEASURED);
        assertEquals(Optional.of(MEASURED), new AlgorithmCache(file).get("k"));

        Files.writeString(file, "{\"format\": 7, \"entries\": {}}");
        assertEquals(0, new AlgorithmCache(file).size());
        Files.writeString(file, "[1, 2, 3]");
        assertEquals(0, new AlgorithmCache(file).size());
    }

    @Test
    void anAlgorithmOrMathTypeCudnnDoesNotHaveIsDropped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conv-algorithms.json");
        Files.writeString(file, "{\"format\": 2, \"entries\": {"
                + "\"bad\": [{\"algo\": 99, \"milliseconds\": 0.1, \"workspaceBytes\": 0, \"mathType\": 0}],"
                + "\"badMath\": [{\"algo\": 2, \"milliseconds\": 0.1, \"workspaceBytes\": 0, \"mathType\": 9}],"
                + "\"good\": [{\"algo\": 2, \"milliseconds\": 0.1, \"workspaceBytes\": 0, \"mathType\": 1}]}}");
        AlgorithmCache cache = new AlgorithmCache(file);
        assertEquals(Optional.empty(), cache.get("bad"));
        assertEquals(Optional.empty(), cache.get("badMath"));
        assertTrue(cache.get("good").isPresent());
        // A cache of the first format (no math types) is measured afresh.
        Files.writeString(file, "{\"format\": 1, \"entries\": {"
                + "\"good\": [{\"algo\": 2, \"milliseconds\": 0.1, \"workspaceBytes\": 0}]}}");
        assertEquals(0, new AlgorithmCache(file).size());
    }

    @Test
    void anUnwritablePlaceCostsOnlyTheSaving(@TempDir Path dir) throws Exception {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "x");
        AlgorithmCache cache = new AlgorithmCache(notADirectory.resolve("conv-algorithms.json"));
        cache.put("k", MEASURED);
        assertEquals(Optional.of(MEASURED), cache.get("k"));
    }
}
