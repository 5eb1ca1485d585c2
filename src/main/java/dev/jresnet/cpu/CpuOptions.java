package dev.jresnet.cpu;

import dev.jresnet.InvalidOptionException;

import java.util.Locale;

/**
 * How a {@link CpuResNet} computes: which kernels, on how many threads.
 *
 * @param kernels {@link Kernels#FAST} (the default) or the {@link Kernels#PLAIN} reference loops
 * @param threads threads for the fast kernels, the caller's included; the plain kernels use one
 */
public record CpuOptions(Kernels kernels, int threads) {
    public enum Kernels {
        /** Direct loops on one thread: the reference, slow. */
        PLAIN,
        /** Packed GEMM convolutions on the Vector API (scalar without the module), all ops multi-threaded. */
        FAST;

        /** "plain", "fast": the names bench backends use. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CpuOptions {
        if (threads < 1) {
            throw new InvalidOptionException("threads must be at least 1, got " + threads);
        }
    }

    /** Fast kernels on every available core. */
    public static CpuOptions fast() {
        return fast(Runtime.getRuntime().availableProcessors());
    }

    public static CpuOptions fast(int threads) {
        return new CpuOptions(Kernels.FAST, threads);
    }

    public static CpuOptions plain() {
        return new CpuOptions(Kernels.PLAIN, 1);
    }
}
