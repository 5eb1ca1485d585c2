package dev.jresnet.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's torch and torchvision (/usr/bin/python3, or JRESNET_PYTHON) run as the oracle from tests. Where they are
 * missing, tests that need them are skipped, unless JRESNET_REQUIRE_TORCH=1 (as CI sets it): then they fail.
 */
public final class TorchOracle {
    private static final String PYTHON = System.getenv().getOrDefault("JRESNET_PYTHON", "/usr/bin/python3");
    private static Boolean available;

    private TorchOracle() {
    }

    /** Skips the calling test (or fails it, under JRESNET_REQUIRE_TORCH=1) when torchvision cannot be imported. */
    public static void assumeAvailable() {
        if (available == null) {
            available = exec(List.of(PYTHON, "-c", "import torch, torchvision"), 120).exitCode == 0;
        }
        if (!available && "1".equals(System.getenv("JRESNET_REQUIRE_TORCH"))) {
            fail("JRESNET_REQUIRE_TORCH=1 but " + PYTHON + " cannot import torch and torchvision; run scripts/install-oracle.sh");
        }
        Assumptions.assumeTrue(available, PYTHON + " cannot import torch and torchvision (scripts/install-oracle.sh installs them)");
    }

    /** Runs scripts/NAME with arguments; fails the test with the script's output when it exits non-zero. */
    public static String runScript(String script, String... args) {
        return run(Path.of("scripts", script), args);
    }

    /** Runs src/test/python/NAME (test data makers), with scripts/ importable. */
    public static String runTestScript(String script, String... args) {
        return run(Path.of("src", "test", "python", script), args);
    }

    private static String run(Path script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(List.of(args));
        Result r = exec(command, 900);
        assertEquals(0, r.exitCode, () -> String.join(" ", command) + " failed:\n" + r.output);
        return r.output;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result exec(List<String> command, int timeoutSeconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("PYTHONPATH", Path.of("scripts").toAbsolutePath().toString());
            Process p = builder.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
