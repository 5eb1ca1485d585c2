package dev.jresnet.gpu;

import java.util.Locale;

/** The GPU jresnet would use and the versions of what drives it. Versions are CUDA's integers (12060 = 12.6). */
public record GpuInfo(int device, String name, long totalMemoryBytes, int computeMajor, int computeMinor,
                      int multiprocessors, int driverCudaVersion, int runtimeCudaVersion, long cudnnVersion) {

    public String describe() {
        return String.format(Locale.ROOT, "GPU %d: %s, %.1f GiB, compute capability %d.%d, %d SMs; driver supports CUDA %s, "
                        + "JCuda runtime CUDA %s, cuDNN %s", device, name, totalMemoryBytes / (double) (1L << 30),
                computeMajor, computeMinor, multiprocessors, cudaVersion(driverCudaVersion), cudaVersion(runtimeCudaVersion),
                cudnnVersion(cudnnVersion));
    }

    public static String cudaVersion(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    /** cuDNN 9 encodes major * 10000 + minor * 100 + patch. */
    static String cudnnVersion(long v) {
        return v / 10000 + "." + (v % 10000) / 100 + "." + v % 100;
    }
}
