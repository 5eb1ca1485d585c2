package dev.jresnet.gpu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where CUDA, cuDNN and cuBLAS live on users' machines, in the order searched: JRESNET_LIBRARY_PATH, LD_LIBRARY_PATH,
 * the CUDA toolkit (CUDA_HOME, CUDA_PATH, /usr/local/cuda), the lib folders of NVIDIA's pip wheels
 * (site-packages/nvidia/NAME/lib in a virtualenv, conda, ~/.local or the system Python), then the system library
 * folders (where the driver's libcuda.so.1 usually is).
 */
final class LibrarySearch {
    private final List<Path> directories;

    LibrarySearch(List<Path> directories) {
        this.directories = List.copyOf(directories);
    }

    static LibrarySearch fromEnvironment() {
        return new LibrarySearch(defaultDirectories(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    static List<Path> defaultDirectories(Map<String, String> env, Path home) {
        Set<Path> dirs = new LinkedHashSet<>();
        pathList(env.get("JRESNET_LIBRARY_PATH"), dirs);
        pathList(env.get("LD_LIBRARY_PATH"), dirs);
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            if (env.get(var) != null) {
                dirs.add(Path.of(env.get(var), "lib64"));
                dirs.add(Path.of(env.get(var), "targets", "x86_64-linux", "lib"));
            }
        }
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
        List<Path> pythonPrefixes = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            if (env.get(var) != null) {
                pythonPrefixes.add(Path.of(env.get(var)));
            }
        }
        pythonPrefixes.addAll(List.of(home.resolve(".local"), Path.of("/usr/local"), Path.of("/usr"), Path.of("/opt/conda")));
        for (Path prefix : pythonPrefixes) {
            for (Path python : children(prefix.resolve("lib"), "python3*")) {
                for (String packages : List.of("site-packages", "dist-packages")) {
                    dirs.addAll(children(python.resolve(packages).resolve("nvidia"), "*").stream().map(p -> p.resolve("lib")).toList());
                }
            }
        }
        dirs.addAll(children(Path.of("/usr/lib/python3/dist-packages/nvidia"), "*").stream().map(p -> p.resolve("lib")).toList());
        for (String system : List.of("/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
                "/usr/lib64", "/usr/lib/wsl/lib")) {
            dirs.add(Path.of(system));
        }
        return new ArrayList<>(dirs);
    }

    List<Path> directories() {
        return directories;
    }

    /** The first directory holding a file of this name (a symbolic link counts). */
    Optional<Path> find(String fileName) {
        for (Path dir : directories) {
            Path candidate = dir.resolve(fileName);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Files in {@code dir} whose names match the glob, sorted by name. */
    static List<Path> children(Path dir, String glob) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(found::add);
        } catch (IOException e) {
            return found; // an unreadable folder holds nothing we can load
        }
        found.sort(null);
        return found;
    }

    private static void pathList(String value, Set<Path> into) {
        if (value == null) {
            return;
        }
        for (String part : value.split(":")) {
            if (!part.isBlank()) {
                into.add(Path.of(part));
            }
        }
    }
}
