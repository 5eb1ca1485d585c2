package dev.jresnet.cli;

import dev.jresnet.model.BlockNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    @TempDir
    Path dir;

    /** Runs the CLI in-process and returns exit code, stdout and stderr. */
    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void summaryPrintsTorchvisionsParameterCountsAndTheMacs() {
        Run r18 = cli("summary", "--arch", "resnet18");
        assertEquals(0, r18.code(), r18.err());
        assertTrue(r18.out().contains("Total parameters: 11,689,512"), r18.out());
        assertTrue(r18.out().contains("Total MACs per sample: 1,81"), r18.out());
        Run r50 = cli("summary", "--arch", "resnet50", "--input-size", "64", "64");
        assertTrue(r50.out().contains(String.format("Total parameters: %,d", Golden.named("resnet50").torchvisionParameters())), r50.out());
        Run digits = cli("summary", "--arch", "resnet18", "--num-classes", "10", "--in-channels", "1", "--input-size", "32", "32");
        assertTrue(digits.out().contains(String.format("Total parameters: %,d",
                Golden.named("resnet18_1ch_10cls_odd").torchvisionParameters())), digits.out());
    }

    @Test
    void randomWeightsThenInferReproducesTorchvisionsLogits() throws Exception {
        Golden.Case c = Golden.named("resnet18");
        Path weights = dir.resolve("w.safetensors");
        Run made = cli("random-weights", "--arch", "resnet18", "--seed", Long.toString(c.weightsSeed()), "--out", weights.toString());
        assertEquals(0, made.code(), made.err());
        Path logits = dir.resolve("y.npy");
        Run inferred = cli("infer", "--arch", "resnet18", "--weights", weights.toString(), "--input", c.input().toString(),
                "--output", logits.toString());
        assertEquals(0, inferred.code(), inferred.err());
        Tensor y = Npy.read(logits);
        assertEquals(2, y.rank());
        assertTrue(Metrics.relativeL2(y.data(), c.readLogits().data()) <= 1e-5);
    }

    @Test
    void halfPrecisionIsEmulatedOnTheCpuAndTf32IsRefusedThere() throws Exception {
        Golden.Case c = Golden.named("resnet18");
        Path weights = dir.resolve("w.safetensors");
        assertEquals(0, cli("random-weights", "--arch", "resnet18", "--seed", Long.toString(c.weightsSeed()), "--out",
                weights.toString()).code());
        Path logits = dir.resolve("y16.npy");
        for (String precision : new String[]{"fp16", "bf16"}) {
            Run half = cli("infer", "--arch", "resnet18", "--weights", weights.toString(), "--input", c.input().toString(),
                    "--output", logits.toString(), "--precision", precision);
            assertEquals(0, half.code(), half.err());
            double fromFp32 = Metrics.relativeL2(Npy.read(logits).data(), c.readLogits().data());
            // Within the 16-bit bar of torchvision's fp32 logits, and far enough from them that the rounding happened.
            assertTrue(fromFp32 <= 2e-2 && fromFp32 > 1e-4, () -> precision + " logits " + fromFp32 + " from fp32");
        }
        Run tf32 = cli("infer", "--arch", "resnet18", "--weights", weights.toString(), "--input", c.input().toString(),
                "--output", logits.toString(), "--device", "cpu", "--precision", "tf32");
        assertEquals(1, tf32.code());
        assertEquals("error: TF32 is a GPU tensor-core mode; the CPU runs fp32, or fp16 and bf16 emulated (16-bit weights "
                + "and activations, fp32 arithmetic)", tf32.err().trim());
    }

    @Test
    void userErrorsAreOneLineNamingTheFileOrShape() throws Exception {
        Path weights = dir.resolve("bad.safetensors");
        Files.write(weights, new byte[]{1, 2, 3});
        Golden.Case c = Golden.named("resnet18");
        Run bad = cli("infer", "--arch", "resnet18", "--weights", weights.toString(), "--input", c.input().toString(),
                "--output", dir.resolve("y.npy").toString());
        assertEquals(1, bad.code());
        assertEquals("error: " + weights + ": truncated: 3 bytes, shorter than the 8-byte header length", bad.err().trim());

        Path good = dir.resolve("w.safetensors");
        cli("random-weights", "--arch", "resnet18", "--num-classes", "10", "--seed", "1", "--out", good.toString());
        Run wrongArch = cli("infer", "--arch", "resnet34", "--weights", good.toString(), "--input", c.input().toString(),
                "--output", dir.resolve("y.npy").toString());
        assertEquals(1, wrongArch.code());
        assertTrue(wrongArch.err().contains("weights do not match resnet34"), wrongArch.err());
        assertTrue(wrongArch.err().contains("fc.weight is [10, 512], expected [1000, 512]"), wrongArch.err());

        Path gray = dir.resolve("gray.safetensors");
        cli("random-weights", "--arch", "resnet18", "--in-channels", "1", "--seed", "1", "--out", gray.toString());
        Run wrongShape = cli("infer", "--arch", "resnet18", "--in-channels", "1", "--weights", gray.toString(), "--input",
                c.input().toString(), "--output", dir.resolve("y.npy").toString());
        assertEquals(1, wrongShape.code());
        assertEquals("error: input of shape [2, 3, 64, 64] does not match resnet18's input (N, 1, 64, 64)",
                wrongShape.err().trim());

        Run unknown = cli("summary", "--arch", "resnet7");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().startsWith("error: unknown architecture 'resnet7'"), unknown.err());
    }

    @Test
    void modelDescriptionsWorkWhereverArchDoes() throws Exception {
        Run summary = cli("summary", "--config", "digits_resnet18", "--input-size", "32", "32");
        assertEquals(0, summary.code(), summary.err());
        assertTrue(summary.out().startsWith("digits_resnet18, input [1, 32, 32] per sample"), summary.out());
        assertTrue(summary.out().contains("net.2.0.shortcut"), summary.out());
        assertTrue(summary.out().contains(String.format("Total parameters: %,d",
                BlockNetConfig.digits(true).graph().parameterCount())), summary.out());

        Path weights = dir.resolve("digits.safetensors");
        assertEquals(0, cli("random-weights", "--config", "digits_plain18", "--seed", "2", "--out", weights.toString()).code());
        Path input = dir.resolve("x.npy");
        Npy.write(input, SeededRandom.normal(1, 3, 1, 28, 28));
        Path logits = dir.resolve("y.npy");
        Run infer = cli("infer", "--config", "digits_plain18", "--weights", weights.toString(), "--input", input.toString(),
                "--output", logits.toString());
        assertEquals(0, infer.code(), infer.err());
        assertArrayEquals(new int[]{3, 10}, Npy.read(logits).shape());

        Run both = cli("summary", "--config", "digits_resnet18", "--arch", "resnet18");
        assertEquals(1, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        Run missing = cli("summary", "--config", "no_such_model");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such model description file, nor a bundled one"), missing.err());
    }

    @Test
    void theDefaultRunComputesSomethingReal() {
        Run r = cli();
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resnet18, 11,689,512 parameters"), r.out());
        assertTrue(r.out().contains("image 1 top-5:"), r.out());
        assertTrue(r.out().contains("fused vs reference plan: relative L2 difference"), r.out());
    }
}
