package dev.jresnet.gpu;

import dev.jresnet.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cuBLAS compatibility library: committed build current, soname and version node of libcublas.so.12, every
 * symbol JCublas2's JNI library binds exported (so it loads even with LD_BIND_NOW=1), JCublas2 forwarded through it
 * to a libcublas.so.13, functions that library lacks answered with a status instead of a dead JVM, and no glibc
 * symbol version newer than the build script promises.
 */
class CublasCompatTest {
    static final Path COMMITTED = Path.of("native/linux-x86_64/libjresnet-cublas-compat.so");
    /** The newest glibc symbol version the library may need, as scripts/build-cublas-compat.sh states. */
    static final List<Integer> GLIBC_CEILING = List.of(2, 2, 5);

    @Test
    void committedLibraryIsWhatTheSourceBuilds(@TempDir Path dir) throws Exception {
        Tools.require("gcc");
        Path fresh = dir.resolve("compat.so");
        Tools.run("scripts/build-cublas-compat.sh", fresh.toString());
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(COMMITTED),
                "native/linux-x86_64/libjresnet-cublas-compat.so is stale: run scripts/build-cublas-compat.sh");
    }

    @Test
    void hasTheSonameVersionNodeAndEverySymbolJCublas2Binds(@TempDir Path dir) throws Exception {
        String readelf = Tools.require("readelf");
        assertTrue(Tools.run(readelf, "-d", COMMITTED.toString()).contains("Library soname: [libcublas.so.12]"));
        String versions = Tools.run(readelf, "-V", COMMITTED.toString());
        assertTrue(versions.contains("Name: libcublas.so.12"), versions);
        List<String> referenced = jcublas2References(dir);
        assertTrue(referenced.size() > 400, "too few cuBLAS references found in JCublas2's JNI library: " + referenced);
        String symbols = Tools.run(readelf, "--dyn-syms", "-W", COMMITTED.toString());
        List<String> missing = new ArrayList<>();
        for (String f : referenced) {
            if (!Pattern.compile("\\s" + f + "@@libcublas\\.so\\.12(\\s|$)", Pattern.MULTILINE).matcher(symbols).find()) {
                missing.add(f);
            }
        }
        assertEquals(List.of(), missing, missing.size() + " of " + referenced.size()
                + " functions JCublas2 binds are not exported as NAME@@libcublas.so.12");
    }

    @Test
    void jcublasReachesLibcublas13ThroughIt(@TempDir Path dir) throws Exception {
        String out = Tools.run(java(), "-cp", Tools.testClassPath(), CublasCompatProbe.class.getName(), fakeCublas13(dir));
        assertEquals("cublasCreate=0 version=130042 cublasDestroy=0", lastLine(out), out);
    }

    /**
     * The dynamic linker then binds every symbol JCublas2 references when it loads, not at the first call. Here the
     * compatibility library opens libcublas.so.13 itself, from JRESNET_CUBLAS13.
     */
    @Test
    void loadsAndWorksWithLdBindNow(@TempDir Path dir) throws Exception {
        String out = Tools.run("env", "LD_BIND_NOW=1", "JRESNET_CUBLAS13=" + fakeCublas13(dir), java(), "-cp",
                Tools.testClassPath(), CublasCompatProbe.class.getName());
        assertEquals("cublasCreate=0 version=130042 cublasDestroy=0", lastLine(out), out);
    }

    @Test
    void functionsLibcublas13LacksAnswerInsteadOfKillingTheJvm(@TempDir Path dir) throws Exception {
        String out = Tools.run(java(), "-cp", Tools.testClassPath(), CublasCompatProbe.class.getName(), fakeCublas13(dir),
                "unsupported");
        assertEquals(2, out.lines().filter(l -> l.equals("cublasSscal=15")).count(), out); // CUBLAS_STATUS_NOT_SUPPORTED
        assertEquals(1, out.lines().filter(l -> l.contains("jresnet cublas-compat: libcublas.so.13 has no cublasSscal_v2")).count(),
                "one stderr line, at the first call only:\n" + out);
        assertTrue(out.contains("cublasGetStatusString=cublasGetStatusString is unavailable"), out);
        assertTrue(out.contains("cublasGetCudartVersion=0\n"), out);
        assertEquals("cublasCreate=0 version=130042 cublasDestroy=0", lastLine(out), out);
    }

    @Test
    void withoutLibcublas13TheShimReportsNotInitialized() throws Exception {
        Tools.require("gcc");
        String out = Tools.run(java(), "-cp", Tools.testClassPath(), CublasCompatProbe.class.getName());
        assertTrue(out.contains("jresnet cublas-compat: cannot open libcublas.so.13"), out);
        assertTrue(out.contains("jresnet cublas-compat: cublasCreate_v2 returns CUBLAS_STATUS_NOT_INITIALIZED"), out);
        assertTrue(out.trim().endsWith("cublasCreate=1"), out); // CUBLAS_STATUS_NOT_INITIALIZED
    }

    /** Symbol versions are what an older glibc refuses to load; dlopen before glibc 2.34 lives in libdl.so.2. */
    @Test
    void needsNoGlibcSymbolVersionNewerThanTheCeiling() {
        String readelf = Tools.require("readelf");
        String versions = Tools.run(readelf, "-V", "-W", COMMITTED.toString());
        Matcher m = Pattern.compile("GLIBC_(\\d+(?:\\.\\d+)*)").matcher(versions);
        TreeSet<String> found = new TreeSet<>();
        List<Integer> newest = List.of(0);
        while (m.find()) {
            found.add(m.group());
            List<Integer> v = Arrays.stream(m.group(1).split("\\.")).map(Integer::valueOf).toList();
            if (compare(v, newest) > 0) {
                newest = v;
            }
        }
        assertFalse(found.isEmpty(), versions);
        assertTrue(compare(newest, GLIBC_CEILING) <= 0, "needs " + found + ", more than GLIBC_2.2.5:\n" + versions);
        assertTrue(Tools.run(readelf, "-d", COMMITTED.toString()).contains("Shared library: [libdl.so.2]"),
                "libdl.so.2 must be needed: glibc before 2.34 defines dlopen there");
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int c = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * The functions JCublas2's JNI library binds from libcublas.so.12: the library is taken from whichever jar on the
     * class path holds it (jcublas-natives under Maven, the runnable jar in the GPU check's bundle).
     */
    private static List<String> jcublas2References(Path dir) throws Exception {
        String nm = Tools.require("nm");
        Path lib = dir.resolve("libJCublas2.so");
        boolean found = false;
        for (String entry : Tools.testClassPath().split(File.pathSeparator)) {
            if (!found && entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                try (JarFile jf = new JarFile(entry)) {
                    JarEntry so = jf.stream().filter(e -> e.getName().matches("lib/libJCublas2-.*\\.so")).findFirst().orElse(null);
                    if (so != null) {
                        try (InputStream in = jf.getInputStream(so)) {
                            Files.copy(in, lib);
                        }
                        found = true;
                    }
                }
            }
        }
        assertTrue(found, "no jar on the class path holds JCublas2's JNI library (lib/libJCublas2-*.so)");
        return Tools.run(nm, "-D", "--undefined-only", lib.toString()).lines()
                .map(String::trim).filter(l -> l.endsWith("@libcublas.so.12"))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1, l.length() - "@libcublas.so.12".length()))
                .toList();
    }

    /** A stand-in libcublas.so.13 built from src/test/resources/gpu/fake_cublas13.c. */
    private static String fakeCublas13(Path dir) throws Exception {
        String gcc = Tools.require("gcc");
        Path fake = dir.resolve("libcublas.so.13");
        Path map = dir.resolve("v.map");
        Files.writeString(map, "libcublas.so.13 { global: *; };\n");
        Tools.run(gcc, "-shared", "-fPIC", "-Wl,-soname,libcublas.so.13", "-Wl,--version-script=" + map,
                "-o", fake.toString(), "src/test/resources/gpu/fake_cublas13.c");
        return fake.toString();
    }

    /** A fresh JVM: the libraries it loads must not leak into this one. */
    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String lastLine(String out) {
        return out.trim().lines().reduce((a, b) -> b).orElse("");
    }
}
