package dev.jresnet.cli;

import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

import static dev.jresnet.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * classify on the GPU sends the decoded, cropped 8-bit images and normalizes them there: the CPU's logits, within
 * fp32's bar, and within fp16's with --precision fp16.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class ClassifyOnGpuTest {
    @Test
    void eightBitImagesOnTheGpuGiveTheCpusLogits(@TempDir Path dir) throws Exception {
        Random random = new Random(91);
        for (int i = 0; i < 11; i++) {
            BufferedImage img = new BufferedImage(30 + random.nextInt(40), 30 + random.nextInt(40), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("img%02d.png", i)).toFile());
        }
        Path weights = dir.resolve("w.safetensors");
        SafetensorsWriter.write(weights, RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 92), Map.of());
        String[] common = {"classify", "--arch", "resnet18", "--weights", weights.toString(), "--resize", "40", "--crop", "32",
                "--batch", "4", "--format", "csv", "--output"};
        Path cpu = dir.resolve("cpu.npy");
        assertEquals(0, cli(with(common, cpu.toString(), dir.toString())).code());
        for (String[] gpu : new String[][]{{"fp32", "1e-5"}, {"fp16", "2e-2"}}) {
            Path logits = dir.resolve(gpu[0] + ".npy");
            CliTest.Run run = cli(with(common, logits.toString(), "--device", "gpu", "--precision", gpu[0], dir.toString()));
            assertEquals(0, run.code(), run.err());
            double error = Metrics.relativeL2(Npy.read(logits).data(), Npy.read(cpu).data());
            assertTrue(error <= Double.parseDouble(gpu[1]), () -> gpu[0] + " on the GPU: " + error + " from the CPU's logits");
        }
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
