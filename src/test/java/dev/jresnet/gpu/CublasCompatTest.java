package dev.jresnet.gpu;

import dev.jresnet.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cuBLAS compatibility library: committed build current, soname and version node of libcublas.so.12, the
 * symbols jresnet calls exported, and JCublas2's own JNI library forwarded through it to a libcublas.so.13.
 */
class CublasCompatTest {
    static final Path COMMITTED = Path.of("native/linux-x86_64/libjresnet-cublas-compat.so");
    /** The cuBLAS functions jresnet's Java code reaches through JCublas2 (GpuContext, LinearStep). */
    static final List<String> CALLED = List.of("cublasCreate_v2", "cublasDestroy_v2", "cublasSetStream_v2",
            "cublasSetMathMode", "cublasGetVersion_v2", "cublasSgemm_v2");

    @Test
    void committedLibraryIsWhatTheSourceBuilds(@TempDir Path dir) throws Exception {
        Tools.require("gcc");
        Path fresh = dir.resolve("compat.so");
        Tools.run("scripts/build-cublas-compat.sh", fresh.toString());
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(COMMITTED),
                "native/linux-x86_64/libjresnet-cublas-compat.so is stale: run scripts/build-cublas-compat.sh");
    }

    @Test
    void hasTheSonameVersionNodeAndSymbolsJCublasBinds() {
        String readelf = Tools.require("readelf");
        assertTrue(Tools.run(readelf, "-d", COMMITTED.toString()).contains("Library soname: [libcublas.so.12]"));
        String versions = Tools.run(readelf, "-V", COMMITTED.toString());
        assertTrue(versions.contains("Name: libcublas.so.12"), versions);
        String symbols = Tools.run(readelf, "--dyn-syms", "-W", COMMITTED.toString());
        // Every function we call must be exported with the version JCublas2's JNI library asks for.
        for (String f : CALLED) {
            assertTrue(symbols.contains(f + "@@libcublas.so.12"), f + " not exported as " + f + "@@libcublas.so.12");
        }
    }

    @Test
    void jcublasReachesLibcublas13ThroughIt(@TempDir Path dir) throws Exception {
        String gcc = Tools.require("gcc");
        Path fake = dir.resolve("libcublas.so.13");
        Path map = dir.resolve("v.map");
        Files.writeString(map, "libcublas.so.13 { global: *; };\n");
        Tools.run(gcc, "-shared", "-fPIC", "-Wl,-soname,libcublas.so.13", "-Wl,--version-script=" + map,
                "-o", fake.toString(), "src/test/resources/gpu/fake_cublas13.c");
        // A fresh JVM: the libraries it loads must not leak into this one.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = Tools.run(java, "-cp", Tools.testClassPath(), CublasCompatProbe.class.getName(), fake.toString());
        assertEquals("cublasCreate=0 version=130042 cublasDestroy=0", out.trim().lines().reduce((a, b) -> b).orElse(""), out);
    }

    @Test
    void withoutLibcublas13TheShimReportsNotInitialized() throws Exception {
        Tools.require("gcc");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = Tools.run(java, "-cp", Tools.testClassPath(), CublasCompatProbe.class.getName());
        assertTrue(out.contains("jresnet cublas-compat: cannot open libcublas.so.13"), out);
        assertTrue(out.trim().endsWith("cublasCreate=1"), out); // CUBLAS_STATUS_NOT_INITIALIZED
    }
}
