package dev.jresnet.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads the NVIDIA libraries before JCuda's JNI libraries need them, from wherever {@link LibrarySearch} finds them:
 * the driver's libcuda.so.1, cuBLAS (libcublas.so.12, or CUDA 13's libcublas.so.13 behind jresnet's compatibility
 * library, since JCublas 12.6 binds libcublas.so.12's versioned symbols) and cuDNN 9 (libcudnn.so.9 and its
 * sub-libraries, which it would otherwise look for only on the default search path). A library already loaded
 * satisfies the dynamic linker by its soname, so JCuda's JNI libraries then bind to these.
 */
public final class NativeLibraries {
    /** What was loaded, from where, and what is missing, with the folders searched. */
    public record Report(List<String> loaded, List<String> problems, List<String> notes, List<Path> searched) {
        public boolean complete() {
            return problems.isEmpty();
        }
    }

    static final String COMPAT_RESOURCE = "/native/linux-x86_64/libjresnet-cublas-compat.so";

    private static Report report;

    private NativeLibraries() {
    }

    /** Loads once per JVM; later calls return the first report. */
    public static synchronized Report load() {
        if (report == null) {
            report = load(LibrarySearch.fromEnvironment());
        }
        return report;
    }

    static Report load(LibrarySearch search) {
        List<String> loaded = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        Optional<Path> driver = search.find("libcuda.so.1");
        if (driver.isPresent()) {
            tryLoad(driver.get(), loaded, problems);
        } else {
            problems.add("the NVIDIA driver library libcuda.so.1 was not found: is the NVIDIA driver installed?");
        }

        Optional<Path> cublas12 = search.find("libcublas.so.12");
        Optional<Path> cublas13 = search.find("libcublas.so.13");
        if (cublas12.isPresent()) {
            search.find("libcublasLt.so.12").ifPresent(p -> tryLoad(p, loaded, problems));
            tryLoad(cublas12.get(), loaded, problems);
        } else if (cublas13.isPresent()) {
            search.find("libcublasLt.so.13").ifPresent(p -> tryLoad(p, loaded, problems));
            if (tryLoad(cublas13.get(), loaded, problems)) {
                tryLoad(extractCompatLibrary(), loaded, problems);
                notes.add("cuBLAS 13 found without cuBLAS 12: using jresnet's libcublas.so.12 compatibility library");
            }
        } else {
            problems.add("cuBLAS (libcublas.so.12 or libcublas.so.13) was not found; pip install nvidia-cublas-cu12, or "
                    + "add its lib folder to JRESNET_LIBRARY_PATH");
        }

        Optional<Path> cudnn = search.find("libcudnn.so.9");
        if (cudnn.isPresent()) {
            loadCudnn(cudnn.get(), loaded, problems, notes);
        } else {
            problems.add("cuDNN 9 (libcudnn.so.9) was not found; pip install nvidia-cudnn-cu12 (or -cu13), or add its "
                    + "lib folder to JRESNET_LIBRARY_PATH");
        }
        return new Report(List.copyOf(loaded), List.copyOf(problems), List.copyOf(notes), search.directories());
    }

    /**
     * cuDNN 9 is a front library that opens its sub-libraries (ops, cnn, graph, engines) by name. Loading every
     * libcudnn*.so.9 of its folder first lets those lookups succeed wherever the folder is; they depend on one
     * another, so each pass loads what it can until a pass makes no progress.
     */
    private static void loadCudnn(Path front, List<String> loaded, List<String> problems, List<String> notes) {
        List<Path> pending = new ArrayList<>(LibrarySearch.children(front.getParent(), "libcudnn*.so.9"));
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = false;
            for (Path lib : List.copyOf(pending)) {
                try {
                    System.load(lib.toAbsolutePath().toString());
                    loaded.add(lib.toString());
                    pending.remove(lib);
                    progress = true;
                } catch (UnsatisfiedLinkError e) {
                    // retried after the others: it may need one of them
                }
            }
        }
        if (pending.contains(front)) {
            problems.add("cannot load " + front + ": " + loadError(front));
        }
        for (Path lib : pending) {
            if (!lib.equals(front)) {
                notes.add("cuDNN sub-library not preloaded (cuDNN opens it when needed): " + lib.getFileName() + ": " + loadError(lib));
            }
        }
    }

    private static boolean tryLoad(Path lib, List<String> loaded, List<String> problems) {
        try {
            System.load(lib.toAbsolutePath().toString());
            loaded.add(lib.toString());
            return true;
        } catch (UnsatisfiedLinkError e) {
            problems.add("cannot load " + lib + ": " + e.getMessage());
            return false;
        }
    }

    private static String loadError(Path lib) {
        try {
            System.load(lib.toAbsolutePath().toString());
            return "loads now";
        } catch (UnsatisfiedLinkError e) {
            return e.getMessage();
        }
    }

    /** The compatibility library ships in the jar; the dynamic linker needs it as a file. */
    static Path extractCompatLibrary() {
        try (InputStream in = NativeLibraries.class.getResourceAsStream(COMPAT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + COMPAT_RESOURCE + "; rebuild with scripts/build-cublas-compat.sh");
            }
            Path dir = Files.createTempDirectory("jresnet-native");
            Path file = dir.resolve("libjresnet-cublas-compat.so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the cuBLAS compatibility library", e);
        }
    }
}
