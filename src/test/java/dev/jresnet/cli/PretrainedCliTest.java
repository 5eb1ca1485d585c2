package dev.jresnet.cli;

import dev.jresnet.image.ImageDecoder;
import dev.jresnet.image.ImageFiles;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.Tools;
import dev.jresnet.testing.WeightsServer;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import static dev.jresnet.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pretrained names on the command line: classify picks the entry's transform and says so; every way of not getting
 * the file is one error line. Commands whose caches and settings come from the environment run in a child JVM with
 * an environment of the test's own (TORCH_HOME, JRESNET_CACHE_DIR, JRESNET_OFFLINE, JRESNET_WEIGHTS_MIRROR).
 */
class PretrainedCliTest {
    private static final String V2_FILE = "resnet50-11ad3fa6.pth";

    @TempDir
    Path dir;

    @Test
    void classifyAppliesTheTransformOfTorchvisionsFileAndReadsWebpAndTiffLikeJpeg() throws Exception {
        Path photos = photos();
        // seeded weights under the name torchvision gives resnet50.IMAGENET1K_V2's file (jresnet reads files by content)
        Path weights = dir.resolve(V2_FILE);
        SafetensorsWriter.write(weights, RandomWeights.generate(ResNetConfig.named("resnet50").graph(), 5), Map.of());
        Path logits = dir.resolve("logits.npy");
        CliTest.Run run = cli("classify", "--arch", "resnet50", "--weights", weights.toString(), "--format", "csv",
                "--output", logits.toString(), photos.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("preprocessing: resize 232 (bilinear), center crop 224, mean 0.485,0.456,0.406, "
                + "std 0.229,0.224,0.225: resnet50.IMAGENET1K_V2's evaluation transform\n"), run.err());
        assertFalse(run.err().contains("could not be read"), run.err());

        List<Path> files = ImageFiles.collect(List.of(photos));
        assertEquals(List.of("a.jpg", "b.png", "c.tiff", "d.webp", "e.webp"), files.stream().map(p -> p.getFileName().toString()).toList());
        Tensor at232 = batch(files, Preprocessing.IMAGENET.withSizes(232, 224));
        Tensor at256 = batch(files, Preprocessing.IMAGENET);
        assertFalse(Arrays.equals(at232.data(), at256.data()), "the two transforms must give different inputs");
        Path x = dir.resolve("x.npy");
        Path y = dir.resolve("y.npy");
        Npy.write(x, at232);
        assertEquals(0, cli("infer", "--arch", "resnet50", "--weights", weights.toString(), "--input", x.toString(),
                "--output", y.toString()).code());
        assertTrue(Metrics.relativeL2(Npy.read(logits).data(), Npy.read(y).data()) <= 1e-6);
    }

    @Test
    void anOptionOverridesItsPartOfTheTransformAndClassifySaysWhatItReplaced() throws Exception {
        Path weights = dir.resolve(V2_FILE);
        SafetensorsWriter.write(weights, RandomWeights.generate(ResNetConfig.named("resnet50").graph(), 5), Map.of());
        Path image = dir.resolve("a.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        CliTest.Run run = cli("classify", "--arch", "resnet50", "--weights", weights.toString(), "--resize", "48", "--crop", "32",
                image.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("preprocessing: resize 48 (bilinear), center crop 32, mean 0.485,0.456,0.406, "
                + "std 0.229,0.224,0.225: resnet50.IMAGENET1K_V2's evaluation transform, except --resize 48 (it is 232), "
                + "--crop 32 (it is 224)\n"), run.err());
        Path plain = dir.resolve("mine.safetensors");
        Files.copy(weights, plain);
        CliTest.Run mine = cli("classify", "--arch", "resnet50", "--weights", plain.toString(), "--crop", "32", image.toString());
        assertTrue(mine.err().contains("preprocessing: resize 256 (bilinear), center crop 32, mean 0.485,0.456,0.406, "
                + "std 0.229,0.224,0.225: torchvision's classic ImageNet evaluation transform, except --crop 32 (it is 224)\n"),
                mine.err());
    }

    @Test
    void weightsOfAnotherArchitectureAreRefusedBeforeAnythingIsFetched() throws IOException {
        CliTest.Run run = cli("classify", "--arch", "resnet18", "--weights", "resnet50.IMAGENET1K_V2", photos().toString());
        assertEquals(1, run.code());
        assertEquals("error: --weights resnet50.IMAGENET1K_V2 holds resnet50 weights (resnet50.IMAGENET1K_V2), but the "
                + "network is resnet18: use --arch resnet50\n", run.err());
    }

    @Test
    void offlineAMissingFileIsOneLineNamingIt() throws Exception {
        Path photos = photos();
        for (List<String> offline : List.of(List.of("JRESNET_OFFLINE=1"), List.of("JRESNET_OFFLINE=", "--offline"))) {
            Map<String, String> env = environment();
            String[] kv = offline.get(0).split("=", 2);
            env.put(kv[0], kv[1]);
            List<String> args = new ArrayList<>(List.of("classify", "--arch", "resnet50", "--weights", "resnet50.IMAGENET1K_V2"));
            args.addAll(offline.subList(1, offline.size()));
            args.add(photos.toString());
            Child run = jresnet(env, args);
            assertEquals(1, run.code, run.output);
            assertEquals("error: resnet50.IMAGENET1K_V2 (" + V2_FILE + ") is in none of " + torchHub() + ", " + own()
                    + ", and downloads are off (JRESNET_OFFLINE or --offline); copy https://download.pytorch.org/models/"
                    + V2_FILE + " into " + own() + "\n", run.output);
        }
    }

    @Test
    void aCorruptFileInPytorchsCacheIsOneLineWithBothHashesAndItsPath() throws Exception {
        Files.createDirectories(torchHub());
        Path corrupt = Files.writeString(torchHub().resolve(V2_FILE), "half a download");
        Child run = jresnet(environment(), List.of("classify", "--arch", "resnet50", "--weights", "resnet50.DEFAULT",
                photos().toString()));
        assertEquals(1, run.code, run.output);
        assertEquals("error: " + corrupt + ": SHA-256 is " + sha256("half a download") + ", but the file name says it starts "
                + "with 11ad3fa6: the file is corrupt or incomplete; delete " + corrupt + " and fetch it again\n", run.output);
        Child verify = jresnet(environment(), List.of("weights", "verify", "resnet50.IMAGENET1K_V2"));
        assertEquals(1, verify.code);
        assertEquals(run.output, verify.output);
    }

    @Test
    void aFailingMirrorIsOneLineAndLeavesNothingThatLooksLikeWeights() throws Exception {
        try (WeightsServer server = new WeightsServer()) {
            Map<String, String> env = environment();
            env.put("JRESNET_WEIGHTS_MIRROR", server.base().toString());
            server.serve(V2_FILE, new byte[]{1, 2, 3}, WeightsServer.Fault.SERVER_ERROR);
            Child error = jresnet(env, List.of("classify", "--arch", "resnet50", "--weights", "resnet50.IMAGENET1K_V2",
                    photos().toString()));
            assertEquals(1, error.code, error.output);
            assertEquals("error: " + server.base() + V2_FILE + ": HTTP 500 Internal Server Error\n", error.output);

            server.serve(V2_FILE, "<html>sign in</html>".getBytes(StandardCharsets.UTF_8), WeightsServer.Fault.NONE);
            Child wrong = jresnet(env, List.of("weights", "fetch", "resnet50.IMAGENET1K_V2"));
            assertEquals(1, wrong.code, wrong.output);
            List<String> lines = wrong.output.lines().toList();
            assertEquals(1, lines.stream().filter(l -> l.startsWith("error: ")).count(), wrong.output);
            assertEquals("error: " + server.base() + V2_FILE + " sent 20 bytes whose SHA-256 is " + sha256("<html>sign in</html>")
                    + ", but the file name says it starts with 11ad3fa6: not the file asked for (a proxy's page, a changed "
                    + "file, a wrong mirror?); nothing was kept", lines.get(lines.size() - 1));
            try (var left = Files.list(own())) {
                assertEquals(List.of(V2_FILE + ".lock"), left.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    @Test
    void listShowsWhereAFileIsCachedAndVerifyChecksAHashedFile() throws Exception {
        Files.createDirectories(torchHub());
        Path r18 = Files.writeString(torchHub().resolve("resnet18-f37072fd.pth"), "not checked by list");
        Child list = jresnet(environment(), List.of("weights", "list"));
        assertEquals(0, list.code, list.output);
        assertTrue(list.output.contains("resnet18.IMAGENET1K_V1 *           11,689,512  69.758  89.078  resize 256 (bilinear), "
                + "center crop 224 " + r18 + "\n"), list.output);
        assertTrue(list.output.contains("resnet50.IMAGENET1K_V2 *           25,557,032  80.858  95.434  resize 232 (bilinear), "
                + "center crop 224 -\n"), list.output);

        Path source = dir.resolve("w.safetensors");
        SafetensorsWriter.write(source, RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 2), Map.of());
        String hash = sha256(Files.readAllBytes(source));
        Path hashed = Files.copy(source, dir.resolve("mine-" + hash.substring(0, 10) + ".safetensors"));
        CliTest.Run ok = cli("weights", "verify", hashed.toString(), source.toString());
        assertEquals(0, ok.code(), ok.err());
        assertEquals("ok " + hashed + ": SHA-256 " + hash + " starts with " + hash.substring(0, 10) + " as its name says; 122 tensors\n"
                + "ok " + source + ": SHA-256 " + hash + " (its name carries no hash to check it against); 122 tensors\n", ok.out());
    }

    // --- helpers ---

    /** A JPEG, a PNG, a TIFF and two WebPs (lossy and lossless, from the decoder's fuzzing seeds). */
    private Path photos() throws IOException {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        BufferedImage image = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 50; x++) {
                image.setRGB(x, y, (x * 5) << 16 | (y * 6) << 8 | (x + y) * 2);
            }
        }
        for (String[] f : new String[][]{{"a.jpg", "jpg"}, {"b.png", "png"}, {"c.tiff", "tiff"}}) {
            assertTrue(ImageIO.write(image, f[1], photos.resolve(f[0]).toFile()), f[1]);
        }
        String seeds = "/dev/jresnet/fuzz/ImageDecoderFuzzTestInputs/decodesOrRejectsCleanly/";
        for (String[] f : new String[][]{{"rgb_5x6.webp", "d.webp"}, {"rgba_5x6_lossless.webp", "e.webp"}}) {
            try (InputStream in = PretrainedCliTest.class.getResourceAsStream(seeds + f[0])) {
                Files.copy(in, photos.resolve(f[1]));
            }
        }
        return photos;
    }

    private static Tensor batch(List<Path> files, Preprocessing pre) throws IOException {
        int size = 3 * pre.crop() * pre.crop();
        Tensor batch = Tensor.zeros(files.size(), 3, pre.crop(), pre.crop());
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(pre.apply(new ImageDecoder().decode(files.get(i))).data(), 0, batch.data(), i * size, size);
        }
        return batch;
    }

    private Path torchHub() {
        return dir.resolve("torch/hub/checkpoints");
    }

    private Path own() {
        return dir.resolve("jresnet/weights");
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("TORCH_HOME", dir.resolve("torch").toString());
        env.put("JRESNET_CACHE_DIR", dir.resolve("jresnet").toString());
        env.put("JRESNET_OFFLINE", "");
        env.put("JRESNET_WEIGHTS_MIRROR", "");
        // The child runs as started (no second JVM with the Vector API, whose launcher prints a line of its own):
        // these runs fail before any network computes.
        env.put("JRESNET_NO_RELAUNCH", "1");
        return env;
    }

    private record Child(int code, String output) {
    }

    /** jresnet in a JVM of its own with the given environment variables; stdout and stderr together. */
    private static Child jresnet(Map<String, String> env, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Tools.testClassPath(), Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "jresnet did not finish: " + output);
        return new Child(p.exitValue(), output);
    }

    private static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
