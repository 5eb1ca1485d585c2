package dev.jresnet.bench;

import java.util.List;

/**
 * Makes benchmark backends by name. jresnet's own are built in ({@link OwnBackends}); peers (ONNX Runtime) come in
 * through {@link java.util.ServiceLoader} from the jar built with the peers profile, so the library never depends on
 * them.
 */
public interface BackendProvider {
    List<String> names();

    Backend create(String name, BenchSetup setup) throws Exception;
}
