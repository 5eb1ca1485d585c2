package dev.jresnet;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.TorchOracle;
import dev.jresnet.weights.DType;
import dev.jresnet.weights.SafetensorsReader;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** scripts/convert_pth.py on a checkpoint torch saved: the safetensors it writes give torchvision's logits. */
class ConverterScriptTest {
    @Test
    void convertedTorchvisionCheckpointReproducesTorchvisionsLogits(@TempDir Path dir) throws Exception {
        TorchOracle.assumeAvailable();
        Path pth = dir.resolve("resnet18.pth");
        Path input = dir.resolve("x.npy");
        Path expected = dir.resolve("y.npy");
        Npy.write(input, SeededRandom.normal(11, 2, 3, 64, 64));
        TorchOracle.runScript("torchvision_checkpoint.py", "--arch", "resnet18", "--seed", "3", "--out", pth.toString(),
                "--input", input.toString(), "--logits", expected.toString());
        Path converted = dir.resolve("resnet18.safetensors");
        TorchOracle.runScript("convert_pth.py", pth.toString(), converted.toString());

        StateDict weights = SafetensorsReader.read(converted);
        assertEquals(DType.I64, weights.get("bn1.num_batches_tracked").orElseThrow().dtype());
        try (CpuResNet net = CpuResNet.create(ResNetConfig.named("resnet18"), weights, converted.toString())) {
            Tensor logits = net.forward(Npy.read(input));
            TorchvisionParityTest.assertWithin("resnet18 .pth -> safetensors", logits, Npy.read(expected));
        }
    }
}
