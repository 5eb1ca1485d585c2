package dev.jresnet.bench;

import dev.jresnet.gpu.sim.SimulatedGpu;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.testing.Simulated;
import dev.jresnet.testing.TorchOracle;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's GPU backends on the GPU under test: every precision, graphs on and off, 8-bit images in; each row
 * computes what the first (fp32) does within its precision's bar, and carries the GPU's figures (memory held, the
 * model's TFLOP/s). PyTorch's CUDA modes, where this machine's PyTorch has no GPU, are skipped with a line saying so.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class GpuBenchTest {
    @Test
    void gpuBackendsOfEveryPrecisionComputeTheSameLogits(@TempDir Path dir) throws Exception {
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 81);
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, weights, Map.of());
        BenchSetup setup = new BenchSetup(config, weights, file, 1, 32, 32, 2, dir,
                System.getenv().getOrDefault("JRESNET_PYTHON", "/usr/bin/python3"));
        List<String> backends = List.of("gpu-fused", "gpu-reference-tf32-nographs", "gpu-fused-fp16-u8", "gpu-fused-bf16");
        List<String> log = new ArrayList<>();
        List<Measurement> results = Bench.run(setup, backends, List.of(1, 2), new Bench.Repetitions(1, 3, 5), 82, log::add);
        assertEquals(8, results.size());
        for (Measurement m : results) {
            String precision = m.backend().contains("fp16") || m.backend().contains("bf16") ? "16-bit"
                    : m.backend().contains("tf32") ? "tf32" : "fp32";
            double bar = precision.equals("16-bit") ? 2e-2 : precision.equals("tf32") ? 5e-3 : 1e-5;
            assertTrue(m.deviationFromFirst() <= bar, () -> m.backend() + " batch " + m.batch() + ": " + m.deviationFromFirst());
            assertTrue(m.gpuMiB() > 0 && m.tflops() > 0, () -> m.backend() + ": " + m);
        }
        String table = new BenchReport(Map.of(), results, "gpu-fused").markdown();
        assertTrue(table.contains("| TFLOP/s | of peak | GPU MiB |"), table);
    }

    /** A backend the GPU cannot run (bf16 on a Turing) is skipped with the reason; the others are measured. */
    @Test
    @Simulated("cuda12Turing")
    void aBackendTheGpuCannotRunIsSkippedSayingWhy(SimulatedGpu sim, @TempDir Path dir) throws Exception {
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 85);
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, weights, Map.of());
        BenchSetup setup = new BenchSetup(config, weights, file, 1, 32, 32, 1, dir, "/usr/bin/python3");
        List<String> log = new ArrayList<>();
        List<Measurement> results = Bench.run(setup, List.of("gpu-fused", "gpu-fused-bf16", "gpu-fused-fp16"), List.of(1),
                new Bench.Repetitions(1, 3, 5), 86, log::add);
        assertEquals(List.of("gpu-fused", "gpu-fused-fp16"), results.stream().map(Measurement::backend).toList());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("skipped gpu-fused-bf16: ") && l.contains("compute capability 8.0")),
                log.toString());
    }

    @Test
    void pytorchsCudaModesWithoutAGpuAreSkippedSayingWhy(@TempDir Path dir) throws Exception {
        TorchOracle.assumeAvailable();
        org.junit.jupiter.api.Assumptions.assumeFalse(GpuUnderTest.real(), "with a real GPU, PyTorch may have it too");
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 83);
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, weights, Map.of());
        BenchSetup setup = new BenchSetup(config, weights, file, 1, 32, 32, 1, dir,
                System.getenv().getOrDefault("JRESNET_PYTHON", "/usr/bin/python3"));
        List<String> log = new ArrayList<>();
        List<Measurement> results = Bench.run(setup, List.of("gpu-fused", "torch-fp16-cl-graphs", "torch-fp32"), List.of(1),
                new Bench.Repetitions(1, 3, 5, 600), 84, log::add);
        assertEquals(List.of("gpu-fused"), results.stream().map(Measurement::backend).toList());
        assertTrue(log.stream().anyMatch(l -> l.contains("skipped every mode") && l.contains("no CUDA device")), log.toString());
    }
}
