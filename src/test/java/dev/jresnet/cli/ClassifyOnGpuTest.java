package dev.jresnet.cli;

import dev.jresnet.gpu.sim.SimulatedGpu;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

import static dev.jresnet.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * classify on a GPU: the images go up as 8-bit crops and are normalized on the device (our normalize_u8 kernel, into
 * the network's precision), with the CPU's logits for the same files.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class ClassifyOnGpuTest {
    private static final int IMAGES = 11;

    /** Photos of different sizes (so the resize and crop differ), resnet18 weights; the folder. */
    private static Path imagesAndWeights(Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Random random = new Random(21);
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage img = new BufferedImage(30 + random.nextInt(60), 30 + random.nextInt(60), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", images.resolve(String.format("img%02d.png", i)).toFile());
        }
        SafetensorsWriter.write(dir.resolve("w.safetensors"), RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 22),
                Map.of());
        return images;
    }

    private static Tensor classify(Path dir, Path images, String device, String precision) {
        Path logits = dir.resolve(device + "-" + precision + ".npy");
        CliTest.Run run = cli("classify", "--arch", "resnet18", "--weights", dir.resolve("w.safetensors").toString(),
                "--resize", "36", "--crop", "32", "--batch", "4", "--device", device, "--precision", precision, "--output",
                logits.toString(), "--format", "csv", images.toString());
        assertEquals(0, run.code(), run.err());
        try {
            return Npy.read(logits);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theGpuGivesTheCpusLogitsForTheSameFiles(@TempDir Path dir) throws Exception {
        Path images = imagesAndWeights(dir);
        Tensor cpu = classify(dir, images, "cpu", "fp32");
        Tensor gpu = classify(dir, images, "gpu", "fp32");
        assertArrayEquals(new int[]{IMAGES, 1000}, gpu.shape());
        for (int i = 0; i < IMAGES; i++) {
            double error = Metrics.relativeL2(Arrays.copyOfRange(gpu.data(), i * 1000, (i + 1) * 1000),
                    Arrays.copyOfRange(cpu.data(), i * 1000, (i + 1) * 1000));
            assertTrue(error <= 1e-5, "image " + i + ": relative L2 " + error);
        }
    }

    @Test
    void eightBitImagesAreNormalizedOnTheDeviceInTheNetworksPrecision(SimulatedGpu sim, @TempDir Path dir) throws Exception {
        Path images = imagesAndWeights(dir);
        classify(dir, images, "gpu", "fp32");
        int batches = (IMAGES + 3) / 4;
        assertEquals(batches, sim.kernelRuns("normalize_u8_hwc_to_nchw_f32"), "one normalization per batch of 4");
        Tensor half = classify(dir, images, "gpu", "fp16");
        assertEquals(batches, sim.kernelRuns("normalize_u8_hwc_to_nhwc_f16"), "fp16 normalizes straight into fp16 NHWC");
        assertEquals(batches, sim.kernelRuns("normalize_u8_hwc_to_nchw_f32"), "and not through float32");
        assertArrayEquals(new int[]{IMAGES, 1000}, half.shape());
    }
}
