package dev.jresnet.spark;

import dev.jresnet.ResNetModel;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import org.apache.spark.sql.SparkSession;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * What the Spark tests share: one local Spark of two threads that retries a failed task once ({@code local[2,2]}),
 * started on first use and stopped with the JVM (Spark's own shutdown hook), and the models, weights and images they
 * run. Images are small (crop 32) so that thousands of them take seconds on two cores.
 */
final class LocalSpark {
    static final int RESIZE = 36;
    static final int CROP = 32;
    /** A small network of the family (two stages of one block, 10 classes), for the tests of many images. */
    static final String TINY_DESCRIPTION = """
            {"name": "tiny", "in_channels": 3, "num_classes": 10,
             "stem": {"channels": 8, "kernel_size": 3, "stride": 1,
                      "max_pool": {"kernel_size": 3, "stride": 2, "padding": 1}},
             "stages": [{"channels": 8, "blocks": 1, "stride": 1}, {"channels": 16, "blocks": 1, "stride": 2}],
             "block": {"kernel_size": 3}}""";

    private static SparkSession spark;
    private static Path files;

    private LocalSpark() {
    }

    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2,2]").appName("jresnet tests").config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        }
        return spark;
    }

    /** A folder of this JVM's that outlives the tests (the models of ExecutorModels read from it). */
    static synchronized Path files() {
        if (files == null) {
            try {
                files = Files.createTempDirectory("jresnet-spark-tests");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            files.toFile().deleteOnExit();
        }
        return files;
    }

    /** resnet18 with seeded random weights, written once. */
    static synchronized Path resnet18Weights() throws IOException {
        Path file = files().resolve("resnet18-seed4.safetensors");
        if (!Files.exists(file)) {
            SafetensorsWriter.write(file, RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 4), Map.of());
            file.toFile().deleteOnExit();
        }
        return file;
    }

    /** The tiny network's description file and seeded weights, written once. */
    static synchronized Path tinyDescription() throws IOException {
        Path file = files().resolve("tiny.json");
        if (!Files.exists(file)) {
            Files.writeString(file, TINY_DESCRIPTION);
            SafetensorsWriter.write(weightsOfTiny(), RandomWeights.generate(ModelDescription.read(file).graph(), 7), Map.of());
            file.toFile().deleteOnExit();
            weightsOfTiny().toFile().deleteOnExit();
        }
        return file;
    }

    static Path tinyWeights() throws IOException {
        tinyDescription();
        return weightsOfTiny();
    }

    private static Path weightsOfTiny() {
        return files().resolve("tiny-seed7.safetensors");
    }

    /** The single-JVM model the Spark results are held to: the same network, weights and preprocessing, on the CPU. */
    static ResNetModel resnet18OnOneJvm(int top) throws IOException {
        return ResNetModel.builder().architecture("resnet18").weights(resnet18Weights()).device("cpu")
                .preprocessing(Preprocessing.IMAGENET.withSizes(RESIZE, CROP)).top(top).build();
    }

    static ResNetModel tinyOnOneJvm(int top) throws IOException {
        return ResNetModel.builder().description(tinyDescription().toString()).weights(tinyWeights()).device("cpu")
                .preprocessing(Preprocessing.IMAGENET.withSizes(RESIZE, CROP)).top(top).build();
    }

    /** {@code count} images of random pixels and sizes in {@code dir}, PNG or JPEG, named img00000.png ...; in order. */
    static List<Path> images(Path dir, int count, long seed, String format) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(28 + random.nextInt(24), 28 + random.nextInt(24), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            Path file = dir.resolve(String.format("img%05d.%s", i, format.equals("jpeg") ? "jpg" : format));
            ImageIO.write(image, format, file.toFile());
            written.add(file);
        }
        return written;
    }
}
