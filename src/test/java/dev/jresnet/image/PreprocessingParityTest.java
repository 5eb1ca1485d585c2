package dev.jresnet.image;

import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.TorchOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our decoding and preprocessing against torchvision's transform on PIL's decoding of the same files. The bar:
 * mean absolute difference of the normalized tensor <= 0.01, max <= 0.05. Lossless PNGs must match to float
 * rounding: the PIL resize is reimplemented exactly, so only JPEG decoders may differ.
 */
class PreprocessingParityTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeImages() {
        TorchOracle.assumeAvailable();
        TorchOracle.runTestScript("image_cases.py", dir.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rgb_q90.jpg", "rgb_444_q95.jpg", "gray.png", "rgba.png", "palette.png", "small_upscaled.png",
            "tall.jpg", "exif3.jpg", "exif6.jpg", "exif8.jpg", "gray16.png", "cmyk.jpg", "bilevel.png", "gray_alpha.png", "rgb.bmp",
            "palette.gif", "rgb565.bmp"})
    void matchesTorchvisionsTransform(String name) throws Exception {
        RgbImage image = new ImageDecoder().decode(dir.resolve(name));
        for (int[] sizes : new int[][]{{256, 224}, {40, 32}}) {
            Tensor ours = Preprocessing.IMAGENET.withSizes(sizes[0], sizes[1]).apply(image);
            Tensor theirs = Npy.read(dir.resolve(name + "." + sizes[0] + "_" + sizes[1] + ".npy"));
            assertArrayEquals(theirs.shape(), ours.shape());
            double sum = 0;
            double max = 0;
            for (int i = 0; i < ours.size(); i++) {
                double d = Math.abs(ours.data()[i] - theirs.data()[i]);
                sum += d;
                max = Math.max(max, d);
            }
            double mean = sum / ours.size();
            System.out.printf(Locale.ROOT, "preprocessing %-20s %3d/%3d: mean abs %.2e, max abs %.2e%n", name, sizes[0], sizes[1], mean, max);
            boolean lossless = !name.endsWith(".jpg");
            double meanBar = lossless ? 1e-6 : 0.01;
            double maxBar = lossless ? 1e-5 : 0.05;
            double m = mean;
            double x = max;
            assertTrue(m <= meanBar && x <= maxBar, () -> name + ": mean " + m + " (bar " + meanBar + "), max " + x + " (bar " + maxBar + ")");
        }
    }
}
