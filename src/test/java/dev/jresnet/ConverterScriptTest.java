package dev.jresnet;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.Parity;
import dev.jresnet.testing.TorchOracle;
import dev.jresnet.weights.DType;
import dev.jresnet.weights.SafetensorsReader;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/convert_pth.py on a checkpoint torch saved: the safetensors it writes give torchvision's logits. */
class ConverterScriptTest {
    @Test
    void convertedTorchvisionCheckpointReproducesTorchvisionsLogits(@TempDir Path dir) throws Exception {
        Path converted = checkpointConverted(dir, "resnet18", "float32");
        StateDict weights = SafetensorsReader.read(converted);
        assertEquals(DType.I64, weights.get("bn1.num_batches_tracked").orElseThrow().dtype());
        assertParity("resnet18 .pth -> safetensors", "resnet18", weights, dir);
    }

    /**
     * timm's ResNet files: torchvision's key names, half-precision tensors, and no BatchNorm num_batches_tracked
     * (which inference never reads). They load as they are, converted to float32 on load.
     */
    @ParameterizedTest
    @CsvSource({"resnet18,float16,F16", "resnet50,bfloat16,BF16"})
    void halfPrecisionFilesWithoutBatchCountersLoadAsTheyAre(String arch, String dtype, DType stored, @TempDir Path dir)
            throws Exception {
        StateDict converted = SafetensorsReader.read(checkpointConverted(dir, arch, dtype));
        StateDict timmLayout = new StateDict();
        converted.entries().forEach((key, tensor) -> {
            if (!key.endsWith(".num_batches_tracked")) {
                timmLayout.put(key, tensor);
            }
        });
        assertTrue(timmLayout.size() < converted.size());
        Path file = dir.resolve(arch + "-timm.safetensors");
        SafetensorsWriter.write(file, timmLayout, Map.of());
        StateDict weights = WeightsFiles.read(file);
        assertEquals(stored, weights.get("fc.weight").orElseThrow().dtype());
        assertParity(arch + " " + dtype + " safetensors, timm layout", arch, weights, dir);
    }

    /** torch saves a seeded torchvision model's state_dict (in dtype) and its logits; convert_pth.py converts it. */
    private static Path checkpointConverted(Path dir, String arch, String dtype) throws IOException {
        TorchOracle.assumeAvailable();
        Path pth = dir.resolve(arch + ".pth");
        Npy.write(dir.resolve("x.npy"), SeededRandom.normal(11, 2, 3, 64, 64));
        TorchOracle.runScript("torchvision_checkpoint.py", "--arch", arch, "--seed", "3", "--dtype", dtype,
                "--out", pth.toString(), "--input", dir.resolve("x.npy").toString(), "--logits", dir.resolve("y.npy").toString());
        Path converted = dir.resolve(arch + ".safetensors");
        TorchOracle.runScript("convert_pth.py", pth.toString(), converted.toString());
        return converted;
    }

    private static void assertParity(String label, String arch, StateDict weights, Path dir) throws Exception {
        try (CpuResNet net = CpuResNet.create(ResNetConfig.named(arch), weights, label)) {
            Tensor logits = net.forward(Npy.read(dir.resolve("x.npy")));
            Parity.assertWithin(label, logits, Npy.read(dir.resolve("y.npy")));
        }
    }
}
