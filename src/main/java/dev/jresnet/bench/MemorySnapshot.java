package dev.jresnet.bench;

import dev.jresnet.gpu.Gpu;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's memory at one moment: Java heap in use after a collection, native buffers (direct and mapped),
 * resident set and locked (pinned) pages from /proc/self/status, and free device memory when there is a GPU.
 */
public record MemorySnapshot(long heapBytes, long directBytes, long residentBytes, long lockedBytes, long deviceFreeBytes) {

    public static MemorySnapshot take(boolean gpu) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += pool.getMemoryUsed();
        }
        return new MemorySnapshot(heap, direct, status("VmRSS:"), status("VmLck:") + status("VmPin:"),
                gpu ? Gpu.deviceMemory(0)[0] : -1);
    }

    /** A /proc/self/status field in bytes (0 where there is no such file). */
    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
