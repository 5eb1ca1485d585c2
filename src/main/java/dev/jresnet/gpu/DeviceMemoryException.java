package dev.jresnet.gpu;

import java.util.Locale;

/** The device has not enough free memory for what was asked; names the amount and its purpose. */
public class DeviceMemoryException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public DeviceMemoryException(long bytes, String what) {
        super(String.format(Locale.ROOT, "out of GPU memory: %.1f MiB for %s could not be allocated%s", bytes / 1048576.0,
                what, freeMemory()));
    }

    public DeviceMemoryException(String message) {
        super(message);
    }

    private static String freeMemory() {
        long[] free = {0};
        long[] total = {0};
        if (jcuda.runtime.JCuda.cudaMemGetInfo(free, total) == 0) {
            return String.format(Locale.ROOT, " (%.1f MiB free of %.1f MiB)", free[0] / 1048576.0, total[0] / 1048576.0);
        }
        return "";
    }
}
