package dev.jresnet.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Command-line tools the native-code tests use (gcc, nvcc, ptxas, readelf): found, or the test is skipped. */
public final class Tools {
    private Tools() {
    }

    /** The tool's path on PATH or in /usr/local/cuda/bin; skips the test when it is nowhere. */
    public static String require(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/local/cuda/bin");
        for (String dir : dirs) {
            Path p = Path.of(dir, tool);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        Assumptions.abort(tool + " is not installed");
        return null;
    }

    /**
     * The class path a forked test JVM needs: the test JVM's own, or jresnet.test.classpath where a launcher loads
     * the tests in a class loader of its own (the JUnit console in scripts/gpu-check.sh).
     */
    public static String testClassPath() {
        return System.getProperty("jresnet.test.classpath", System.getProperty("java.class.path"));
    }

    /** Runs a command; fails the test with its output when it exits non-zero. Returns stdout and stderr together. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " timed out");
            }
            assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + out);
            return out;
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
