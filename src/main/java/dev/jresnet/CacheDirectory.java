package dev.jresnet;

import java.nio.file.Path;
import java.util.Map;

/**
 * jresnet's own cache folder, shared by everything it keeps between runs (measured convolution algorithms,
 * downloaded weights): $JRESNET_CACHE_DIR, else $XDG_CACHE_HOME/jresnet, else ~/.cache/jresnet. An empty variable
 * counts as unset.
 */
public final class CacheDirectory {
    private CacheDirectory() {
    }

    /** The folder for this process's environment. */
    public static Path of() {
        return of(System.getenv());
    }

    /** The folder for the given environment variables (tests pass their own). */
    public static Path of(Map<String, String> env) {
        String dir = env.get("JRESNET_CACHE_DIR");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        return xdg != null && !xdg.isEmpty() ? Path.of(xdg, "jresnet") : Path.of(System.getProperty("user.home"), ".cache", "jresnet");
    }
}
