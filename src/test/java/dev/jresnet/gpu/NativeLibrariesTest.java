package dev.jresnet.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibrariesTest {
    @Test
    void searchesExplicitPathsThenLdLibraryPathThenToolkitThenPipWheels(@TempDir Path home) throws Exception {
        Path venv = home.resolve("venv");
        Path cudnn = Files.createDirectories(venv.resolve("lib/python3.12/site-packages/nvidia/cudnn/lib"));
        Path cublas = Files.createDirectories(home.resolve(".local/lib/python3.11/site-packages/nvidia/cu13/lib"));
        List<Path> dirs = LibrarySearch.defaultDirectories(Map.of("JRESNET_LIBRARY_PATH", "/opt/a:/opt/b",
                "LD_LIBRARY_PATH", "/opt/ld", "CUDA_HOME", "/opt/cuda", "VIRTUAL_ENV", venv.toString()), home);
        assertEquals(List.of(Path.of("/opt/a"), Path.of("/opt/b"), Path.of("/opt/ld"), Path.of("/opt/cuda/lib64")), dirs.subList(0, 4));
        assertTrue(dirs.indexOf(cudnn) > dirs.indexOf(Path.of("/usr/local/cuda/lib64")), dirs.toString());
        assertTrue(dirs.contains(cublas), dirs.toString());
        assertTrue(dirs.indexOf(cudnn) < dirs.indexOf(Path.of("/usr/lib/x86_64-linux-gnu")), "wheels before the system");
    }

    @Test
    void findsTheFirstCopyInSearchOrder(@TempDir Path root) throws Exception {
        Path first = Files.createDirectories(root.resolve("first"));
        Path second = Files.createDirectories(root.resolve("second"));
        Files.createFile(second.resolve("libcudnn.so.9"));
        Files.createFile(first.resolve("libcudnn.so.9"));
        LibrarySearch search = new LibrarySearch(List.of(root.resolve("missing"), first, second));
        assertEquals(first.resolve("libcudnn.so.9"), search.find("libcudnn.so.9").orElseThrow());
        assertTrue(search.find("libcublas.so.12").isEmpty());
    }

    @Test
    void reportsEachMissingLibraryWithWhatToDo(@TempDir Path empty) {
        NativeLibraries.Report r = NativeLibraries.load(new LibrarySearch(List.of(empty)));
        assertEquals(List.of(), r.loaded());
        assertEquals(3, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).contains("libcuda.so.1 was not found"));
        assertTrue(r.problems().get(1).contains("libcublas.so.12 or libcublas.so.13") && r.problems().get(1).contains("JRESNET_LIBRARY_PATH"));
        assertTrue(r.problems().get(2).contains("libcudnn.so.9") && r.problems().get(2).contains("nvidia-cudnn-cu12"));
        assertTrue(!r.complete());
    }

    @Test
    void aFileThatIsNotALibraryIsReportedWithTheLoadersReason(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("libcudnn.so.9"), "not an ELF file");
        NativeLibraries.Report r = NativeLibraries.load(new LibrarySearch(List.of(dir)));
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("cannot load " + dir.resolve("libcudnn.so.9"))),
                r.problems().toString());
    }
}
