package dev.jresnet.gpu;

import dev.jresnet.InvalidOptionException;

import dev.jresnet.gpu.internal.AlgorithmCache;

import java.nio.file.Path;

/**
 * How a {@link GpuResNet} is built.
 *
 * @param schedule  {@link Schedule#FUSED} (default) or {@link Schedule#REFERENCE}
 * @param maxBatch  the largest batch run at once: device buffers are sized for it; larger batches are split
 * @param height    input height the network is planned for (default 224)
 * @param width     input width (default 224)
 * @param algorithmCache where measured convolution algorithms are kept across runs (default
 *                  {@link AlgorithmCache#defaultFile()}), or null to measure in every process
 * @param cudaGraphs capture the forward pass of each batch size as a CUDA graph and replay it (default off until
 *                  it has been measured and held to the CPU on a GPU; sizes whose capture fails run directly)
 * @param device    which GPU, numbered as CUDA numbers them (default 0; CUDA_VISIBLE_DEVICES renumbers them)
 */
public record GpuOptions(Schedule schedule, int maxBatch, int height, int width, Path algorithmCache, boolean cudaGraphs,
                         int device) {
    public GpuOptions {
        if (device < 0) {
            throw new InvalidOptionException("the GPU number must be 0 or more, got " + device);
        }
        if (maxBatch < 1) {
            throw new InvalidOptionException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (height < 1 || width < 1) {
            throw new InvalidOptionException("input size must be positive, got " + height + "x" + width);
        }
    }

    public static GpuOptions defaults() {
        return new GpuOptions(Schedule.FUSED, 32, 224, 224, AlgorithmCache.defaultFile(), false, 0);
    }

    public GpuOptions withSchedule(Schedule s) {
        return new GpuOptions(s, maxBatch, height, width, algorithmCache, cudaGraphs, device);
    }

    public GpuOptions withMaxBatch(int n) {
        return new GpuOptions(schedule, n, height, width, algorithmCache, cudaGraphs, device);
    }

    public GpuOptions withInputSize(int h, int w) {
        return new GpuOptions(schedule, maxBatch, h, w, algorithmCache, cudaGraphs, device);
    }

    public GpuOptions withAlgorithmCache(Path file) {
        return new GpuOptions(schedule, maxBatch, height, width, file, cudaGraphs, device);
    }

    public GpuOptions withDevice(int gpu) {
        return new GpuOptions(schedule, maxBatch, height, width, algorithmCache, cudaGraphs, gpu);
    }

    public GpuOptions withCudaGraphs(boolean on) {
        return new GpuOptions(schedule, maxBatch, height, width, algorithmCache, on, device);
    }
}
