package dev.jresnet.weights.pretrained;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.ResNetModel;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.Tools;
import dev.jresnet.testing.WeightsServer;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsFiles;
import dev.jresnet.weights.WeightsValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Pretrained names resolved through the caches and a loopback server standing in for download.pytorch.org (the
 * mirror setting points there), with generated files named, as torchvision's are, by their own SHA-256.
 */
class PretrainedWeightsTest {
    private static final String NAME = "resnet18.TINY";

    @TempDir
    Path dir;
    private WeightsServer server;
    private byte[] tiny;
    private String tinyFile;

    @BeforeEach
    void start() throws IOException {
        server = new WeightsServer();
        tiny = new byte[1000];
        new Random(3).nextBytes(tiny);
        tinyFile = hashedName("tiny", tiny, ".pth");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aNameIsDownloadedVerifiedAndFromThenOnFoundInTheCache() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.NONE);
        PretrainedWeights pretrained = pretrained(online());
        Path file = pretrained.resolve(NAME);
        assertEquals(own().resolve(tinyFile), file);
        assertArrayEquals(tiny, Files.readAllBytes(file));
        assertEquals(List.of(new WeightsServer.Request(tinyFile, null)), server.requests());
        assertEquals(List.of(tinyFile, tinyFile + ".lock"), listing(own()), "no partial file is left");

        assertEquals(file, pretrained.resolve(NAME));
        assertEquals(1, server.requests().size(), "the second use downloads nothing");
    }

    @Test
    void pytorchsCacheComesFirstAndIsNeverWrittenTo() throws IOException {
        Files.createDirectories(torchHub());
        Files.write(torchHub().resolve(tinyFile), tiny);
        Path file = pretrained(online()).resolve(NAME);
        assertEquals(torchHub().resolve(tinyFile), file);
        assertEquals(List.of(), server.requests());
        assertFalse(Files.exists(own()));
    }

    @Test
    void aCorruptCachedFileIsRefusedWithBothHashesAndThePathToDelete() throws IOException {
        Files.createDirectories(torchHub());
        Path corrupt = torchHub().resolve(tinyFile);
        Files.write(corrupt, Arrays.copyOf(tiny, 600)); // as an interrupted copy would leave it
        WeightsHashException e = assertThrows(WeightsHashException.class, () -> pretrained(online()).resolve(NAME));
        assertEquals(corrupt + ": SHA-256 is " + sha256(Arrays.copyOf(tiny, 600)) + ", but the file name says it starts with "
                + prefix(tiny) + ": the file is corrupt or incomplete; delete " + corrupt + " and fetch it again", e.getMessage());
        assertEquals(List.of(), server.requests());
    }

    @Test
    void aTruncatedBodyIsResumedWithARangeRequest() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.TRUNCATE_FIRST);
        List<String> events = new CopyOnWriteArrayList<>();
        Path file = pretrained(online(), recorder(events)).resolve(NAME);
        assertArrayEquals(tiny, Files.readAllBytes(file));
        assertEquals(List.of(new WeightsServer.Request(tinyFile, null), new WeightsServer.Request(tinyFile, "bytes=500-")),
                server.requests());
        assertEquals(List.of("started 0 of 1000", "retrying", "started 500 of 1000", "finished " + sha256(tiny)), events);
    }

    @Test
    void aServerThatIgnoresRangesIsDownloadedAgainFromTheStart() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.IGNORE_RANGE);
        Path part = own().resolve(tinyFile + ".part");
        Files.createDirectories(own());
        Files.write(part, Arrays.copyOf(tiny, 300)); // left by an interrupted run
        Path file = pretrained(online()).resolve(NAME);
        assertArrayEquals(tiny, Files.readAllBytes(file));
        assertEquals(List.of(new WeightsServer.Request(tinyFile, "bytes=300-")), server.requests());
        assertFalse(Files.exists(part));
    }

    @Test
    void aDownloadThatKeepsBreakingOffFailsInOneLineAndTheNextRunResumesIt() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.TRUNCATE_EVERY);
        Path part = own().resolve(tinyFile + ".part");
        WeightsFetchException e = assertThrows(WeightsFetchException.class, () -> pretrained(online()).resolve(NAME));
        // 500 bytes, then half of the remaining 500, then half of the remaining 250
        assertEquals("downloading " + server.base() + tinyFile + " broke off at byte 875 (the server sent 125 of 250 bytes); "
                + "run again to resume from " + part, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(875, Files.size(part));
        assertFalse(Files.exists(own().resolve(tinyFile)), "nothing that looks complete");

        server.serve(tinyFile, tiny, WeightsServer.Fault.NONE);
        Path file = pretrained(online()).resolve(NAME);
        assertArrayEquals(tiny, Files.readAllBytes(file));
        assertEquals(new WeightsServer.Request(tinyFile, "bytes=875-"), server.requests().get(3));
        assertEquals(4, server.requests().size());
    }

    @Test
    void aStaleResumedFileThatFailsItsHashIsDownloadedAgainFromTheStart() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.NONE);
        Files.createDirectories(own());
        byte[] other = new byte[400];
        new Random(4).nextBytes(other);
        Files.write(own().resolve(tinyFile + ".part"), other); // from another version of the file
        Path file = pretrained(online()).resolve(NAME);
        assertArrayEquals(tiny, Files.readAllBytes(file));
        assertEquals(List.of(new WeightsServer.Request(tinyFile, "bytes=400-"), new WeightsServer.Request(tinyFile, null)),
                server.requests());
    }

    @Test
    void aFileThatIsNotWhatItsNameSaysIsRefusedAndNothingIsKept() throws IOException {
        byte[] page = "<html>proxy login</html>".getBytes(StandardCharsets.UTF_8);
        server.serve(tinyFile, page, WeightsServer.Fault.NONE);
        WeightsFetchException e = assertThrows(WeightsFetchException.class, () -> pretrained(online()).resolve(NAME));
        assertEquals(server.base() + tinyFile + " sent " + page.length + " bytes whose SHA-256 is " + sha256(page)
                + ", but the file name says it starts with " + prefix(tiny) + ": not the file asked for (a proxy's page, "
                + "a changed file, a wrong mirror?); nothing was kept", e.getMessage());
        assertEquals(List.of(tinyFile + ".lock"), listing(own()));
    }

    @Test
    void aServerErrorIsOneLineNamingTheUrl() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.SERVER_ERROR);
        WeightsFetchException e = assertThrows(WeightsFetchException.class, () -> pretrained(online()).resolve(NAME));
        assertEquals(server.base() + tinyFile + ": HTTP 500 Internal Server Error", e.getMessage());
        WeightsFetchException missing = assertThrows(WeightsFetchException.class,
                () -> pretrained(online()).resolve("resnet34.ABSENT"));
        assertTrue(missing.getMessage().startsWith(server.base() + "absent-"), missing.getMessage());
        assertTrue(missing.getMessage().endsWith(": HTTP 404 Not Found"), missing.getMessage());
        assertEquals(Set.of(tinyFile + ".lock", "absent-0123abcd.pth.lock"), Set.copyOf(listing(own())), "nothing else is kept");
    }

    @Test
    void aServerThatGoesQuietIsGivenUpOnAfterTheReadTimeout() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.STALL);
        FetchSettings quick = online().withTimeouts(Duration.ofSeconds(30), Duration.ofMillis(300));
        WeightsFetchException e = assertThrows(WeightsFetchException.class, () -> pretrained(quick).resolve(NAME));
        assertTrue(e.getMessage().contains("(no data for 0.3 s); run again to resume from "), e.getMessage());
        assertFalse(Files.exists(own().resolve(tinyFile)));
    }

    @Test
    void offlineNothingIsFetchedAndTheMissingFileIsNamed() throws IOException {
        server.serve(tinyFile, tiny, WeightsServer.Fault.NONE);
        PretrainedWeights offline = pretrained(online().withOffline(true));
        WeightsFetchException e = assertThrows(WeightsFetchException.class, () -> offline.resolve(NAME));
        assertEquals(NAME + " (" + tinyFile + ") is in none of " + torchHub() + ", " + own() + ", and downloads are off "
                + "(JRESNET_OFFLINE or --offline); copy " + server.base() + tinyFile + " into " + own(), e.getMessage());
        assertEquals(List.of(), server.requests());
        Files.createDirectories(own());
        Files.write(own().resolve(tinyFile), tiny);
        assertEquals(own().resolve(tinyFile), offline.resolve(NAME));
        assertEquals(List.of(), server.requests());
    }

    @Test
    void filesAreTakenAsTheyAreAndWhatIsNeitherFileNorNameIsSaidToBeSo() throws IOException {
        Path mine = Files.write(dir.resolve("resnet18.TINY"), new byte[]{1});
        PretrainedWeights pretrained = pretrained(online());
        assertEquals(Path.of(mine.toString()), pretrained.resolve(mine.toString()));
        assertEquals(List.of(), server.requests());
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> pretrained.resolve(dir.resolve("w.pth").toString()));
        assertEquals(dir.resolve("w.pth") + ": no such weights file, and not a pretrained name such as resnet50.IMAGENET1K_V2 "
                + "(jresnet weights list shows them)", e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> pretrained.resolve("resnet18.V9"));
        assertEquals("no pretrained weights named resnet18.V9; resnet18 has resnet18.TINY (DEFAULT)", unknown.getMessage());
    }

    @Test
    void aFullSeededResnet18ArrivesIntactThroughABrokenOffTransfer() throws IOException {
        StateDict weights = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 11);
        Path source = dir.resolve("source.safetensors");
        SafetensorsWriter.write(source, weights, Map.of());
        byte[] bytes = Files.readAllBytes(source);
        String file = hashedName("resnet18", bytes, ".safetensors");
        server.serve(file, bytes, WeightsServer.Fault.TRUNCATE_FIRST);
        PretrainedWeights pretrained = new PretrainedWeights(table(Map.of("resnet18.SEEDED", file)), caches(), online(),
                DownloadListener.SILENT);
        Path fetched = pretrained.resolve("resnet18.SEEDED");
        assertEquals(2, server.requests().size());
        assertEquals("bytes=" + bytes.length / 2 + "-", server.requests().get(1).range());
        assertArrayEquals(bytes, Files.readAllBytes(fetched));
        StateDict read = WeightsFiles.read(fetched);
        WeightsValidator.check(ResNetConfig.named("resnet18").graph(), read, fetched.toString());
        assertArrayEquals(weights.floats("fc.weight"), read.floats("fc.weight"));
    }

    @Test
    void aModelBuiltByNameFetchesTheFileAndTakesItsTransformUnlessTheCallerGivesOne() throws IOException {
        StateDict weights = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 12);
        Path source = dir.resolve("source.safetensors");
        SafetensorsWriter.write(source, weights, Map.of());
        byte[] bytes = Files.readAllBytes(source);
        String file = hashedName("resnet18", bytes, ".safetensors");
        server.serve(file, bytes, WeightsServer.Fault.NONE);
        PretrainedWeights pretrained = new PretrainedWeights(table(Map.of("resnet18.SEEDED", file)), caches(), online(),
                DownloadListener.SILENT);
        Tensor batch = Tensor.zeros(1, 3, 64, 64);
        Random random = new Random(5);
        for (int i = 0; i < batch.data().length; i++) {
            batch.data()[i] = (float) random.nextGaussian();
        }
        try (ResNetModel byName = ResNetModel.builder().pretrained(pretrained, "resnet18.SEEDED").device("cpu")
                .inputSize(64, 64).build();
             ResNetModel byFile = ResNetModel.builder().architecture("resnet18").weights(source).device("cpu")
                     .inputSize(64, 64).build()) {
            assertEquals("resnet18", byName.config().name());
            assertEquals(new Preprocessing(232, 224, Preprocessing.IMAGENET.mean(), Preprocessing.IMAGENET.std()),
                    byName.preprocessing(), "the table's transform (resize 232), not the classic 256");
            assertEquals(Preprocessing.IMAGENET, byFile.preprocessing());
            assertArrayEquals(byFile.forward(batch).data(), byName.forward(batch).data());
        }
        assertEquals(1, server.requests().size());
        try (ResNetModel own = ResNetModel.builder().preprocessing(Preprocessing.IMAGENET)
                .pretrained(pretrained, "resnet18.SEEDED").device("cpu").build()) {
            assertEquals(Preprocessing.IMAGENET, own.preprocessing(), "the caller's transform wins, set before or after");
        }
        assertEquals(1, server.requests().size(), "the second model finds the file in the cache");
        InvalidOptionException unknown = assertThrows(InvalidOptionException.class,
                () -> ResNetModel.builder().pretrained(pretrained, "resnet18.V9"));
        assertEquals("no pretrained weights named resnet18.V9; resnet18 has resnet18.SEEDED (DEFAULT)", unknown.getMessage());
    }

    @Test
    void twoThreadsAskingAtOnceShareOneDownload() throws Exception {
        server.serve(tinyFile, tiny, WeightsServer.Fault.HOLD_HALFWAY);
        CountDownLatch secondWaits = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Path> first = pool.submit(() -> pretrained(online()).resolve(NAME));
            assertTrue(server.halfway.await(60, TimeUnit.SECONDS), "the first download never started");
            Future<Path> second = pool.submit(() -> pretrained(online(), new DownloadListener() {
                @Override
                public void waiting(Path target) {
                    secondWaits.countDown();
                }
            }).resolve(NAME));
            assertTrue(secondWaits.await(60, TimeUnit.SECONDS), "the second thread did not wait for the first");
            server.release.countDown();
            assertEquals(first.get(), second.get());
            assertArrayEquals(tiny, Files.readAllBytes(first.get()));
            assertEquals(1, server.requests().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoProcessesAskingAtOnceShareOneDownload() throws Exception {
        server.serve(tinyFile, tiny, WeightsServer.Fault.HOLD_HALFWAY);
        Path tableFile = Files.writeString(dir.resolve("table.json"), tableJson(Map.of(NAME, tinyFile)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Process child = null;
        try {
            Future<Path> first = pool.submit(() -> pretrained(online()).resolve(NAME));
            assertTrue(server.halfway.await(60, TimeUnit.SECONDS), "the first download never started");
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    Tools.testClassPath(), FetchInAnotherProcess.class.getName(), tableFile.toString(), torchHub().toString(),
                    own().toString(), server.base().toString(), NAME).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            // the other process tells when it starts waiting for this one's lock (the limit guards against a hang)
            Future<String> told = pool.submit(out::readLine);
            try {
                assertEquals("waiting", told.get(120, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                fail("the other process did not wait for this one's lock; the server saw " + server.requests());
            }
            server.release.countDown();
            Path mine = first.get();
            String rest = pool.submit(() -> out.lines().reduce("", String::concat)).get(120, TimeUnit.SECONDS);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), rest);
            assertEquals("fetched " + mine, rest);
            assertArrayEquals(tiny, Files.readAllBytes(mine));
            assertEquals(1, server.requests().size(), "one download for both processes");
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            pool.shutdownNow();
        }
    }

    @Test
    void theMirrorReplacesTorchvisionsHostAndNothingElse() {
        PretrainedEntry entry = PretrainedTable.torchvision().require("resnet50.IMAGENET1K_V2");
        assertEquals("https://download.pytorch.org/models/resnet50-11ad3fa6.pth", FetchSettings.defaults().urlOf(entry).toString());
        assertEquals("http://mirror.lan/torch/resnet50-11ad3fa6.pth",
                FetchSettings.defaults().withMirror(URI.create("http://mirror.lan/torch")).urlOf(entry).toString());
        assertEquals("http://mirror.lan/torch/resnet50-11ad3fa6.pth",
                FetchSettings.defaults().withMirror(URI.create("http://mirror.lan/torch/")).urlOf(entry).toString());
    }

    @Test
    void theEnvironmentSetsCachesOfflineAndMirror() {
        String home = System.getProperty("user.home");
        WeightsCaches defaults = WeightsCaches.fromEnvironment(Map.of());
        assertEquals(Path.of(home, ".cache", "torch", "hub", "checkpoints"), defaults.torchHub());
        assertEquals(Path.of(home, ".cache", "jresnet", "weights"), defaults.own());
        WeightsCaches xdg = WeightsCaches.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"));
        assertEquals(Path.of("/x/torch/hub/checkpoints"), xdg.torchHub());
        assertEquals(Path.of("/x/jresnet/weights"), xdg.own());
        WeightsCaches set = WeightsCaches.fromEnvironment(Map.of("TORCH_HOME", "~/t", "JRESNET_CACHE_DIR", "/j"));
        assertEquals(Path.of(home, "t", "hub", "checkpoints"), set.torchHub());
        assertEquals(Path.of("/j/weights"), set.own());

        assertFalse(FetchSettings.fromEnvironment(Map.of()).offline());
        assertTrue(FetchSettings.fromEnvironment(Map.of("JRESNET_OFFLINE", "1")).offline());
        assertFalse(FetchSettings.fromEnvironment(Map.of("JRESNET_OFFLINE", "0")).offline());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> FetchSettings.fromEnvironment(Map.of("JRESNET_OFFLINE", "maybe")));
        assertEquals("JRESNET_OFFLINE=maybe is neither 1/true/yes nor 0/false/no", bad.getMessage());
        assertEquals("http://m/", FetchSettings.fromEnvironment(Map.of("JRESNET_WEIGHTS_MIRROR", "http://m/")).mirror().toString());
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class,
                () -> FetchSettings.fromEnvironment(Map.of("JRESNET_WEIGHTS_MIRROR", "ftp://m/")));
        assertEquals("JRESNET_WEIGHTS_MIRROR=ftp://m/: the weights mirror must be an http or https URL, got ftp://m/", ftp.getMessage());
    }

    // --- helpers ---

    private Path torchHub() {
        return dir.resolve("torch/hub/checkpoints");
    }

    private Path own() {
        return dir.resolve("jresnet/weights");
    }

    private WeightsCaches caches() {
        return new WeightsCaches(torchHub(), own());
    }

    private FetchSettings online() {
        return FetchSettings.defaults().withMirror(server.base());
    }

    private PretrainedWeights pretrained(FetchSettings settings) throws IOException {
        return pretrained(settings, DownloadListener.SILENT);
    }

    private PretrainedWeights pretrained(FetchSettings settings, DownloadListener listener) throws IOException {
        return new PretrainedWeights(table(Map.of(NAME, tinyFile, "resnet34.ABSENT", "absent-0123abcd.pth")), caches(),
                settings, listener);
    }

    static PretrainedTable table(Map<String, String> files) throws IOException {
        return PretrainedTable.read(new ByteArrayInputStream(tableJson(files).getBytes(StandardCharsets.UTF_8)), "test");
    }

    /** A table of the given names and file names (the URLs' host is never contacted: the tests set a mirror). */
    static String tableJson(Map<String, String> files) {
        StringBuilder json = new StringBuilder("{\"entries\": [");
        String sep = "";
        for (Map.Entry<String, String> f : files.entrySet()) {
            json.append(sep).append("{\"name\": \"").append(f.getKey()).append("\", \"default\": true, \"url\": ")
                    .append("\"https://download.invalid/models/").append(f.getValue()).append("\", \"num_params\": 1, ")
                    .append("\"acc@1\": 50, \"acc@5\": 70, \"categories\": \"imagenet\", \"transform\": {\"resize\": 232, ")
                    .append("\"crop\": 224, \"interpolation\": \"bilinear\", \"mean\": [0.485, 0.456, 0.406], ")
                    .append("\"std\": [0.229, 0.224, 0.225]}}");
            sep = ", ";
        }
        return json.append("]}").toString();
    }

    static String hashedName(String stem, byte[] content, String extension) {
        return stem + "-" + prefix(content) + extension;
    }

    static String prefix(byte[] content) {
        return sha256(content).substring(0, 8);
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static DownloadListener recorder(List<String> events) {
        return new DownloadListener() {
            @Override
            public void started(URI url, Path target, long from, long total) {
                events.add("started " + from + " of " + total);
            }

            @Override
            public void retrying(String why) {
                events.add("retrying");
            }

            @Override
            public void finished(Path target, String sha256) {
                events.add("finished " + sha256);
            }
        };
    }

    private static List<String> listing(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
