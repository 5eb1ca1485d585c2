package dev.jresnet.weights.pretrained;

import dev.jresnet.CacheDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where pretrained weights files are looked for, in order: PyTorch's cache (what torch.hub and torchvision
 * downloaded, reused as it is and never written to), then jresnet's own, which is where downloads go.
 *
 * @param torchHub PyTorch's checkpoint folder
 * @param own      jresnet's weights folder
 */
public record WeightsCaches(Path torchHub, Path own) {
    /**
     * The folders for the given environment: $TORCH_HOME/hub/checkpoints (TORCH_HOME defaulting, as in torch.hub, to
     * $XDG_CACHE_HOME/torch, else ~/.cache/torch; a leading ~ is the home folder), and the weights folder in
     * jresnet's cache ({@link CacheDirectory}).
     */
    public static WeightsCaches fromEnvironment(Map<String, String> env) {
        String torchHome = env.get("TORCH_HOME");
        Path torch;
        if (torchHome != null && !torchHome.isEmpty()) {
            torch = expandHome(torchHome);
        } else {
            String xdg = env.get("XDG_CACHE_HOME");
            torch = (xdg != null && !xdg.isEmpty() ? expandHome(xdg) : home().resolve(".cache")).resolve("torch");
        }
        return new WeightsCaches(torch.resolve("hub").resolve("checkpoints"), CacheDirectory.of(env).resolve("weights"));
    }

    /** The folders in the order they are searched. */
    public List<Path> searchOrder() {
        return List.of(torchHub, own);
    }

    /** The first file of this name in the folders, if any (its content is not checked here). */
    public Optional<Path> find(String fileName) {
        return searchOrder().stream().map(dir -> dir.resolve(fileName)).filter(Files::isRegularFile).findFirst();
    }

    private static Path expandHome(String path) {
        if (path.equals("~")) {
            return home();
        }
        return path.startsWith("~/") ? home().resolve(path.substring(2)) : Path.of(path);
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home"));
    }
}
