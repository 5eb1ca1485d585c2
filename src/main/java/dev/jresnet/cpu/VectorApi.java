package dev.jresnet.cpu;

/**
 * Whether the JVM has the incubating Vector API (jdk.incubator.vector), which the fast CPU kernels need to be fast:
 * without it they fall back to scalar loops, about 20x slower, so jresnet says so, once, with the flag that fixes it.
 */
public final class VectorApi {
    /** The option that enables it, for messages and launchers. */
    public static final String JVM_OPTION = "--add-modules jdk.incubator.vector";

    private static final System.Logger LOG = System.getLogger(VectorApi.class.getName());
    private static boolean warned;

    private VectorApi() {
    }

    public static boolean enabled() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Logs one warning per JVM when the module is missing. */
    public static synchronized void warnIfMissing() {
        if (!enabled() && !warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "jdk.incubator.vector is not enabled, so the CPU path runs its scalar "
                    + "kernels, about 20x slower than it could; start Java with " + JVM_OPTION);
        }
    }
}
