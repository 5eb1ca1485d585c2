package dev.jresnet.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageDecoderTest {
    /**
     * A server decodes images for days: decoding, successful or not, must give back its file descriptor at once,
     * not when a garbage collection happens to run. (Fuzzing in CI ran out of descriptors before this held.)
     */
    @Test
    void decodingClosesItsFileWhetherOrNotTheImageIsReadable(@TempDir Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd (Linux) to count open files");
        Path png = dir.resolve("ok.png");
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 0, 0x102030);
        ImageIO.write(image, "png", png.toFile());
        Path garbage = dir.resolve("bad.png");
        Files.write(garbage, new byte[]{(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path unknown = dir.resolve("text.jpg");
        Files.writeString(unknown, "not an image");
        ImageDecoder decoder = new ImageDecoder();
        decoder.decode(png); // class loading and ImageIO's plug-in scan open files once
        long before = openFiles(fds);
        for (int i = 0; i < 300; i++) {
            RgbImage rgb = decoder.decode(png);
            assertArrayEquals(new byte[]{0x10, 0x20, 0x30}, new byte[]{rgb.rgb()[3], rgb.rgb()[4], rgb.rgb()[5]});
            assertThrows(UnreadableImageException.class, () -> decoder.decode(garbage));
            assertThrows(UnreadableImageException.class, () -> decoder.decode(unknown));
        }
        long after = openFiles(fds);
        assertTrue(after - before < 20, () -> "900 decodes left " + (after - before) + " more files open");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("missing.jpg");
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> new ImageDecoder().decode(missing));
        assertEquals(missing.toString(), e.source());
    }

    private static long openFiles(Path fds) throws IOException {
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }
}
