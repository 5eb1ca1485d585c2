package dev.jresnet.cli;

import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.testing.Tools;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import static dev.jresnet.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line's contract with scripts: exit 0 only when every input was processed; every fault of the input is
 * one line saying what and where, with exit 1; a fault of jresnet's is a stack trace with exit 3.
 */
class CliContractTest {
    @TempDir
    static Path dir;
    static Path weights;
    static Path image;

    @BeforeAll
    static void files() throws Exception {
        weights = dir.resolve("r18.safetensors");
        SafetensorsWriter.write(weights, RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 2), Map.of());
        image = dir.resolve("one.png");
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
    }

    /** One line of error on stderr, nothing on stdout, exit 1. */
    private static String oneLine(CliTest.Run run) {
        assertEquals(1, run.code(), run.err());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("error: "), run.err());
        return lines.get(0);
    }

    @ParameterizedTest
    @CsvSource({"--batch, 0, 1", "--batch, -1, 1", "--top, -3, 1", "--top, 0, 1", "--resize, 0, 1", "--crop, -5, 1",
            "--max-batch, 0, 1", "--decode-threads, 0, 1", "--gpu, -1, 0"})
    void everyNumericOptionIsCheckedAndNamed(String option, String value, int min) {
        String line = oneLine(cli("classify", "--arch", "resnet18", "--weights", weights.toString(), option, value,
                image.toString()));
        assertTrue(line.contains(option + " must be at least " + min + ", got " + value), line);
    }

    @Test
    void aRunWhereEveryFileFailsExitsNonZeroAndListsThemInItsOutput(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("a.jpg"), "not a picture");
        Files.write(folder.resolve("b.png"), new byte[]{1, 2, 3});
        CliTest.Run run = cli("classify", "--arch", "resnet18", "--weights", weights.toString(), "--format", "csv",
                "--resize", "40", "--crop", "32", folder.toString());
        assertEquals(1, run.code(), run.err());
        List<String> rows = run.out().lines().toList();
        assertEquals("path,status,rank,index,label,probability,reason", rows.get(0));
        assertEquals(3, rows.size(), run.out());
        assertTrue(rows.get(1).startsWith(folder.resolve("a.jpg") + ",failed,,,,,"), rows.get(1));
        assertTrue(rows.get(2).startsWith(folder.resolve("b.png") + ",failed,,,,,"), rows.get(2));
        assertTrue(run.err().contains("0 of 2 images classified"), run.err());
    }

    @Test
    void aRunWhereEveryFileIsReadExitsZero() {
        CliTest.Run run = cli("classify", "--arch", "resnet18", "--weights", weights.toString(), "--resize", "40", "--crop", "32",
                image.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("1 of 1 images classified"), run.err());
    }

    @Test
    void aFolderWithoutImagesIsAnError(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("notes.txt"), "no pictures here");
        String line = oneLine(cli("classify", "--arch", "resnet18", "--weights", weights.toString(), folder.toString()));
        assertTrue(line.contains("no images in"), line);
    }

    @Test
    void aMissingRequiredOptionIsOneLineAndAHint() {
        CliTest.Run run = cli("infer", "--arch", "resnet18", "--weights", weights.toString(), "--output", "y.npy");
        assertEquals(1, run.code());
        List<String> lines = run.err().lines().toList();
        assertEquals(2, lines.size(), run.err());
        assertTrue(lines.get(0).contains("--input"), run.err());
        assertEquals("Try 'jresnet infer --help' for the options.", lines.get(1));
    }

    @Test
    void anUnknownOptionIsOneLineAndAHint() {
        CliTest.Run run = cli("classify", "--arch", "resnet18", "--weights", weights.toString(), "--wieghts", "w",
                image.toString());
        assertEquals(1, run.code());
        List<String> lines = run.err().lines().toList();
        assertEquals(2, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("error: Unknown option: '--wieghts'"), lines.get(0));
        assertEquals("Try 'jresnet classify --help' for the options.", lines.get(1));
    }

    @Test
    void anOutputFolderThatDoesNotExistIsNamedBeforeAnyWork() throws Exception {
        Path x = dir.resolve("x.npy");
        Npy.write(x, SeededRandom.normal(1, 1, 3, 32, 32));
        Path missing = dir.resolve("no/such/folder/y.npy");
        String line = oneLine(cli("infer", "--arch", "resnet18", "--weights", weights.toString(), "--input", x.toString(),
                "--output", missing.toString()));
        assertTrue(line.contains("--output " + missing + ": the folder " + missing.getParent() + " does not exist"), line);
    }

    @Test
    void weightsThatAreAFolderOrMissingAreNamed() {
        String folder = oneLine(cli("classify", "--arch", "resnet18", "--weights", dir.toString(), image.toString()));
        assertTrue(folder.contains("--weights " + dir + " is a folder"), folder);
        String missing = oneLine(cli("classify", "--arch", "resnet18", "--weights", dir.resolve("nope.pth").toString(),
                image.toString()));
        assertTrue(missing.contains(dir.resolve("nope.pth") + ": no such weights file, and not a pretrained name"), missing);
    }

    @Test
    void aTextFileNamedSafetensorsIsSaidToBeText() throws Exception {
        Path text = dir.resolve("readme.safetensors");
        Files.writeString(text, "These are not the weights you are looking for.\n");
        String line = oneLine(cli("classify", "--arch", "resnet18", "--weights", text.toString(), image.toString()));
        assertTrue(line.contains("not a safetensors file: it begins with text (\"These ar...\")"), line);
    }

    @Test
    void weightsOfAnotherArchitectureSayWhichItLooksLike() {
        String line = oneLine(cli("classify", "--arch", "resnet50", "--weights", weights.toString(), image.toString()));
        assertTrue(line.contains("they look like resnet18's: --arch resnet18"), line);
        assertTrue(line.length() < 1500, "a short message, not every key: " + line.length() + " characters");
    }

    @Test
    void aFaultOfJresnetsIsAStackTraceWithExit3() {
        StringWriter err = new StringWriter();
        int code = Main.report(new IllegalStateException("an invariant broke"), new PrintWriter(err, true));
        assertEquals(3, code);
        assertTrue(err.toString().startsWith("internal error"), err.toString());
        assertTrue(err.toString().contains("java.lang.IllegalStateException: an invariant broke"), err.toString());
        assertTrue(err.toString().contains("\tat "), "the stack trace");
    }

    /** java -jar cannot add modules: the command line starts itself again with the Vector API, once. */
    @Test
    void withoutTheVectorApiTheCommandLineRelaunchesItselfWithIt() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = Tools.run(java, "-cp", Tools.testClassPath(), Main.class.getName(), "infer", "--help");
        assertTrue(out.contains("Run a batch (N, C, H, W)"), out);
        assertFalse(out.contains("jdk.incubator.vector is not enabled"), "the relaunched JVM has the module:\n" + out);
    }
}
