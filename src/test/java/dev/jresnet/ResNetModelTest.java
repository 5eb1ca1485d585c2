package dev.jresnet;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.image.ImageDecoder;
import dev.jresnet.image.ImageSource;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.FeaturesConfig;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Softmax;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entry point from images to labelled results, held to the network it wraps: the same logits as the CPU network
 * on the same preprocessed inputs, whatever form the image comes in, in order, with failures in place.
 */
class ResNetModelTest {
    static final Preprocessing SMALL = Preprocessing.IMAGENET.withSizes(40, 32);
    static final StateDict WEIGHTS = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 4);
    @TempDir
    static Path dir;
    static List<Path> images = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        Random random = new Random(5);
        for (int i = 0; i < 7; i++) {
            BufferedImage img = new BufferedImage(30 + 7 * i, 50 - 3 * i, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            Path file = dir.resolve("img" + i + ".png");
            ImageIO.write(img, "png", file.toFile());
            images.add(file);
        }
    }

    private static ResNetModel model() throws Exception {
        return ResNetModel.builder().architecture("resnet18").weights(WEIGHTS, "seed 4").device("cpu").preprocessing(SMALL)
                .maxBatch(3).top(4).build();
    }

    /** The CPU network's logits for the preprocessed images, the oracle for everything the model answers. */
    private static Tensor expectedLogits(List<Path> files) {
        Tensor batch = Tensor.zeros(files.size(), 3, 32, 32);
        ImageDecoder decoder = new ImageDecoder();
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(SMALL.apply(decoder.decode(files.get(i))).data(), 0, batch.data(), i * 3 * 32 * 32, 3 * 32 * 32);
        }
        try (CpuResNet net = CpuResNet.create(ResNetConfig.named("resnet18"), WEIGHTS, "seed 4")) {
            return net.forward(batch);
        }
    }

    /** The classification's top 4 are the 4 most probable classes of that logits row, with their probabilities. */
    private static void assertMatches(Tensor logits, int row, Classification c) {
        assertTrue(c.ok(), c.failure());
        float[] p = Softmax.row(logits, row);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Float.compare(p[b], p[a]));
        assertEquals(order.subList(0, 4), c.top().stream().map(Prediction::index).toList(), c.source());
        for (Prediction pr : c.top()) {
            assertEquals(p[pr.index()], pr.probability(), 1e-6f, c.source() + " class " + pr.index());
        }
    }

    @Test
    void filesAreClassifiedInOrderWithFailuresInPlace() throws Exception {
        Path broken = Files.write(dir.resolve("broken.png"), new byte[]{1, 2, 3});
        List<Path> files = new ArrayList<>(images);
        files.add(2, broken);
        Tensor expected = expectedLogits(images);
        try (ResNetModel model = model()) {
            List<Classification> results = model.classify(files);
            assertEquals(files.size(), results.size());
            assertFalse(results.get(2).ok());
            assertEquals(broken.toString(), results.get(2).source());
            assertTrue(results.get(2).failure().contains("cannot be decoded") || results.get(2).failure().contains("not an image"),
                    results.get(2).failure());
            for (int i = 0, row = 0; i < files.size(); i++) {
                if (i != 2) {
                    assertEquals(files.get(i).toString(), results.get(i).source());
                    assertMatches(expected, row++, results.get(i));
                }
            }
            assertEquals("tench", model.labels().name(0), "ImageNet's names by default");
            assertEquals(model.labels().name(results.get(0).top().get(0).index()), results.get(0).top().get(0).label());
        }
    }

    @Test
    void bytesStreamsAndDecodedImagesGiveWhatTheFileGives() throws Exception {
        Tensor expected = expectedLogits(List.of(images.get(1)));
        byte[] bytes = Files.readAllBytes(images.get(1));
        try (ResNetModel model = model()) {
            assertMatches(expected, 0, model.classify(images.get(1)));
            assertMatches(expected, 0, model.classify(bytes, "upload 1"));
            assertMatches(expected, 0, model.classify(new ByteArrayInputStream(bytes), "stream 1"));
            assertMatches(expected, 0, model.classify(ImageIO.read(images.get(1).toFile()), "decoded 1"));
            Classification bad = model.classify(new byte[]{9, 9}, "upload 2");
            assertEquals("upload 2", bad.source());
            assertFalse(bad.ok());
        }
    }

    @Test
    void imagesInMemoryComeOutInOrderAsTheCallerIteratesWithFailuresInPlace() throws Exception {
        List<ImageSource> sources = new ArrayList<>();
        for (Path image : images) {
            sources.add(ImageSource.encoded(Files.readAllBytes(image), "blob " + sources.size()));
        }
        sources.add(3, ImageSource.encoded(new byte[0], "empty"));
        Tensor expected = expectedLogits(images);
        try (ResNetModel model = model(); ImageOutputs outputs = model.logits(sources.iterator())) {
            for (int i = 0, row = 0; i < sources.size(); i++) {
                assertTrue(outputs.hasNext(), "output " + i);
                ImageOutput out = outputs.next();
                assertEquals(sources.get(i).name(), out.source());
                if (i == 3) {
                    assertFalse(out.ok());
                } else {
                    assertArrayEquals(expected.slice(row, row + 1).data(), out.values(), 1e-5f, out.source());
                    assertMatches(expected, row++, model.classification(out));
                }
            }
            assertFalse(outputs.hasNext());
        }
    }

    @Test
    void featuresAreThePooledVector() throws Exception {
        Tensor batch = Tensor.zeros(1, 3, 32, 32);
        System.arraycopy(SMALL.apply(new ImageDecoder().decode(images.get(0))).data(), 0, batch.data(), 0, 3 * 32 * 32);
        FeaturesConfig features = new FeaturesConfig(ResNetConfig.named("resnet18"));
        Tensor expected;
        try (CpuResNet net = CpuResNet.create(features, WEIGHTS.selectFor(features.graph()), "seed 4")) {
            expected = net.forward(batch);
        }
        try (ResNetModel model = model()) {
            ImageOutput f = model.features(images.get(0));
            assertEquals(512, f.values().length);
            assertArrayEquals(expected.data(), f.values());
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnAnswer() throws Exception {
        Tensor expected = expectedLogits(images);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ResNetModel model = model()) {
            List<Future<Classification>> results = new ArrayList<>();
            for (int i = 0; i < 28; i++) {
                Path image = images.get(i % images.size());
                results.add(pool.submit(() -> model.classify(image)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertMatches(expected, i % images.size(), results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void forwardRunsPreprocessedBatchesAndRefusesOtherShapes() throws Exception {
        Tensor batch = Tensor.zeros(5, 3, 32, 32);
        for (int i = 0; i < batch.size(); i++) {
            batch.data()[i] = (float) Math.sin(i);
        }
        try (ResNetModel model = model(); CpuResNet net = CpuResNet.create(ResNetConfig.named("resnet18"), WEIGHTS, "w")) {
            assertTrue(Metrics.relativeL2(model.forward(batch).data(), net.forward(batch).data()) == 0);
            InputException e = assertThrows(InputException.class, () -> model.forward(Tensor.zeros(2, 3, 64, 64)));
            assertTrue(e.getMessage().contains("[2, 3, 64, 64]") && e.getMessage().contains("(N, 3, 32, 32)"), e.getMessage());
        }
    }

    @Test
    void aBuilderMissingSomethingSaysWhat(@TempDir Path tmp) throws Exception {
        assertTrue(assertThrows(InvalidOptionException.class, () -> ResNetModel.builder().weights(WEIGHTS, "w").build())
                .getMessage().contains("no architecture"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> ResNetModel.builder().architecture("resnet18").build())
                .getMessage().contains("no weights"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> ResNetModel.builder().maxBatch(0)).getMessage()
                .contains("max batch"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> ResNetModel.builder().device("tpu")).getMessage()
                .contains("cpu, gpu, gpu:N"));
        Path wrong = tmp.resolve("r50.safetensors");
        SafetensorsWriter.write(wrong, RandomWeights.generate(ResNetConfig.named("resnet50").graph(), 1), Map.of());
        assertThrows(InputException.class, () -> ResNetModel.builder().architecture("resnet18").weights(wrong).build());
    }

    @Test
    void autoChoosesTheCpuWithoutAGpuAndSaysWhy() throws Exception {
        try (ResNetModel model = ResNetModel.builder().architecture("resnet18").weights(WEIGHTS, "w").preprocessing(SMALL)
                .build()) {
            assertEquals(Device.CPU, model.device());
            assertTrue(model.deviceChoice().startsWith("auto: the CPU, as there is no usable GPU ("), model.deviceChoice());
        }
    }
}
