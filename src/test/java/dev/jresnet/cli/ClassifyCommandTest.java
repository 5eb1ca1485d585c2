package dev.jresnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.image.ImageDecoder;
import dev.jresnet.image.ImageFiles;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

import static dev.jresnet.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** classify over a directory of a few hundred generated images, five of them corrupt, against infer. */
class ClassifyCommandTest {
    static final int GOOD = 295;

    @Test
    void classifiesEveryReadableImageListsTheCorruptOnesAndAgreesWithInfer(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images/nested"));
        Random random = new Random(12);
        for (int i = 0; i < GOOD; i++) {
            int w = 20 + random.nextInt(100);
            int h = 20 + random.nextInt(100);
            int type = i % 3 == 0 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
            BufferedImage img = new BufferedImage(w, h, type);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            String format = i % 2 == 0 ? "png" : "jpg";
            ImageIO.write(img, format, (i < 50 ? images : images.getParent()).resolve(String.format("img%03d.%s", i, format)).toFile());
        }
        Path root = images.getParent();
        byte[] png = Files.readAllBytes(root.resolve("img100.png"));
        byte[] jpg = Files.readAllBytes(root.resolve("img101.jpg"));
        Files.write(root.resolve("broken_random.jpg"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
        Files.write(root.resolve("broken_truncated.png"), Arrays.copyOf(png, 60));
        Files.write(root.resolve("broken_empty.png"), new byte[0]);
        Files.writeString(root.resolve("broken_text.jpg"), "not a picture");
        Files.write(root.resolve("broken_half.jpg"), Arrays.copyOf(jpg, 20));
        Files.writeString(root.resolve("notes.txt"), "ignored: not an image extension");

        Path weights = dir.resolve("w.safetensors");
        SafetensorsWriter.write(weights, RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 3), Map.of());
        Path logits = dir.resolve("logits.npy");
        CliTest.Run run = cli("classify", "--arch", "resnet18", "--weights", weights.toString(), "--resize", "40", "--crop", "32",
                "--batch", "16", "--top", "3", "--format", "jsonl", "--output", logits.toString(), root.toString());
        assertEquals(1, run.code(), "some files failed: " + run.err());

        List<String> lines = run.out().lines().toList();
        assertEquals(GOOD + 5, lines.size(), "one line per file, the unreadable ones included");
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.stream().filter(l -> l.contains("\"status\":\"ok\"")).findFirst().orElseThrow());
        assertEquals(3, first.get("top").size());
        assertTrue(first.get("top").get(0).get("probability").asDouble() >= first.get("top").get(1).get("probability").asDouble());
        assertTrue(run.err().contains("5 files could not be read:"), run.err());
        for (String broken : List.of("broken_random.jpg", "broken_truncated.png", "broken_empty.png", "broken_text.jpg", "broken_half.jpg")) {
            assertTrue(run.err().contains(broken), broken + " not reported:\n" + run.err());
            JsonNode line = lines.stream().map(l -> {
                try {
                    return json.readTree(l);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }).filter(n -> n.get("path").asText().endsWith(broken)).findFirst().orElseThrow(() -> new AssertionError(broken));
            assertEquals("failed", line.get("status").asText());
            assertFalse(line.get("reason").asText().isBlank());
        }

        // infer on the same preprocessed tensors gives the same logits.
        List<Path> readable = ImageFiles.collect(List.of(root)).stream().filter(p -> !p.getFileName().toString().startsWith("broken")).toList();
        assertEquals(GOOD, readable.size());
        Preprocessing small = Preprocessing.IMAGENET.withSizes(40, 32);
        Tensor batch = Tensor.zeros(GOOD, 3, 32, 32);
        ImageDecoder decoder = new ImageDecoder();
        for (int i = 0; i < GOOD; i++) {
            System.arraycopy(small.apply(decoder.decode(readable.get(i))).data(), 0, batch.data(), i * 3 * 32 * 32, 3 * 32 * 32);
        }
        Path x = dir.resolve("x.npy");
        Path y = dir.resolve("y.npy");
        Npy.write(x, batch);
        assertEquals(0, cli("infer", "--arch", "resnet18", "--weights", weights.toString(), "--input", x.toString(),
                "--output", y.toString()).code());
        Tensor fromClassify = Npy.read(logits);
        assertArrayEquals(new int[]{GOOD, 1000}, fromClassify.shape());
        assertTrue(Metrics.relativeL2(fromClassify.data(), Npy.read(y).data()) <= 1e-6);
    }

    @Test
    void featuresAreThePooledEmbeddings(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0xff8040);
        ImageIO.write(img, "png", dir.resolve("a.png").toFile());
        ImageIO.write(img, "png", dir.resolve("b.png").toFile());
        Path weights = dir.resolve("w.safetensors");
        SafetensorsWriter.write(weights, RandomWeights.generate(ResNetConfig.named("resnet50").graph(), 1), Map.of());
        Path features = dir.resolve("f.npy");
        CliTest.Run run = cli("classify", "--arch", "resnet50", "--weights", weights.toString(), "--features", "--output",
                features.toString(), "--resize", "40", "--crop", "32", "--format", "csv", dir.resolve("a.png").toString(),
                dir.resolve("b.png").toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of("row,path,status,reason", "0," + dir.resolve("a.png") + ",ok,", "1," + dir.resolve("b.png") + ",ok,"),
                run.out().lines().toList());
        Tensor f = Npy.read(features);
        assertArrayEquals(new int[]{2, 2048}, f.shape());
        assertArrayEquals(Arrays.copyOfRange(f.data(), 0, 2048), Arrays.copyOfRange(f.data(), 2048, 4096)); // same image
    }
}
