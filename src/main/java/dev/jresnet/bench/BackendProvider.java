package dev.jresnet.bench;

import java.util.List;

/**
 * Makes benchmark backends by name. jresnet's own are built in ({@link OwnBackends}); peers (ONNX Runtime) come in
 * through {@link java.util.ServiceLoader} from the jar built with the peers profile, so the library never depends on
 * them.
 */
public interface BackendProvider {
    /** The names this provider lists (in help and defaults). */
    List<String> names();

    /** Whether it makes a backend of this name: those listed, and any others it understands. */
    default boolean has(String name) {
        return names().contains(name);
    }

    Backend create(String name, BenchSetup setup) throws Exception;
}
