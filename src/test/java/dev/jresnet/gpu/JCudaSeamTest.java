package dev.jresnet.gpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every call into JCuda goes through {@link CudaApi}: nothing in src/main but {@link JCudaApi} calls JCuda's native
 * entry points (JCuda, JCudaDriver, JCudnn, JCublas, JCublas2, and Pointer.getByteBuffer on page-locked memory), so
 * the code the simulated device runs in CI is the code that runs on a GPU. And JCudaApi only forwards: each of its
 * methods is one call of the same name.
 */
class JCudaSeamTest {
    /** A static call of JCuda's API classes, or Pointer.getByteBuffer on anything but the seam (named cuda throughout). */
    private static final Pattern NATIVE_CALL = Pattern.compile(
            "\\b(JCuda|JCudaDriver|JCudnn|JCublas2?)\\s*\\.\\s*([a-z]\\w*)\\s*\\(|(?<!\\bcuda)\\.getByteBuffer\\s*\\(");

    @Test
    void onlyJCudaApiCallsJCuda() throws IOException {
        List<String> strays = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.getFileName().toString().equals("JCudaApi.java")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = NATIVE_CALL.matcher(lines.get(i));
                    if (m.find()) {
                        strays.add(file + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), strays, "JCuda called outside the seam");
    }

    @Test
    void jcudaApiForwardsEachCallUnchangedToTheJCudaFunctionOfTheSameName() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/jresnet/gpu/JCudaApi.java"));
        for (Method m : CudaApi.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || List.of("loadLibraries", "kind", "getByteBuffer").contains(m.getName())) {
                continue;
            }
            Matcher body = Pattern.compile("public \\w+ " + m.getName() + "\\(([^)]*)\\) \\{\\s*return (\\w+)\\." + m.getName()
                    + "\\(([^)]*)\\);\\s*}").matcher(source);
            assertTrue(body.find(), m.getName() + " is not a single forwarding call in JCudaApi");
            List<String> params = new ArrayList<>();
            for (String p : body.group(1).split(",")) {
                params.add(p.trim().replaceAll(".*\\s", ""));
            }
            List<String> args = List.of(body.group(3).split(",\\s*"));
            assertEquals(params, args, m.getName() + " must pass its arguments unchanged, in order");
        }
    }
}
