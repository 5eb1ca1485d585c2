package dev.jresnet.gpu;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.gpu.internal.AlgorithmCache;
import dev.jresnet.plan.Precision;
import dev.jresnet.plan.Schedule;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link GpuResNet} is built.
 *
 * @param schedule  {@link Schedule#FUSED} (default) or {@link Schedule#REFERENCE}
 * @param maxBatch  the largest batch run at once: device buffers are sized for it; larger batches are split
 * @param height    input height the network is planned for (default 224)
 * @param width     input width (default 224)
 * @param algorithmCache where measured convolution algorithms are kept across runs (default
 *                  {@link AlgorithmCache#defaultFile()}), or null to measure in every process
 * @param cudaGraphs capture the forward pass of each batch size as a CUDA graph and replay it (default on: held to
 *                  the CPU on the simulated GPU, not yet run on a real one; sizes whose capture fails run directly)
 * @param device    which GPU, numbered as CUDA numbers them (default 0; CUDA_VISIBLE_DEVICES renumbers them)
 * @param precision {@link Precision#FP32} (default), {@link Precision#TF32}, {@link Precision#FP16} or
 *                  {@link Precision#BF16} (compute capability 8.0 and later); logits are float32 in every one
 */
public record GpuOptions(Schedule schedule, int maxBatch, int height, int width, Path algorithmCache, boolean cudaGraphs,
                         int device, Precision precision) {
    public GpuOptions {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(precision, "precision");
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
        return new GpuOptions(Schedule.FUSED, 32, 224, 224, AlgorithmCache.defaultFile(), true, 0, Precision.FP32);
    }

    public GpuOptions withSchedule(Schedule s) {
        return new GpuOptions(s, maxBatch, height, width, algorithmCache, cudaGraphs, device, precision);
    }

    public GpuOptions withMaxBatch(int n) {
        return new GpuOptions(schedule, n, height, width, algorithmCache, cudaGraphs, device, precision);
    }

    public GpuOptions withInputSize(int h, int w) {
        return new GpuOptions(schedule, maxBatch, h, w, algorithmCache, cudaGraphs, device, precision);
    }

    public GpuOptions withAlgorithmCache(Path file) {
        return new GpuOptions(schedule, maxBatch, height, width, file, cudaGraphs, device, precision);
    }

    public GpuOptions withDevice(int gpu) {
        return new GpuOptions(schedule, maxBatch, height, width, algorithmCache, cudaGraphs, gpu, precision);
    }

    public GpuOptions withPrecision(Precision p) {
        return new GpuOptions(schedule, maxBatch, height, width, algorithmCache, cudaGraphs, device, p);
    }

    public GpuOptions withCudaGraphs(boolean on) {
        return new GpuOptions(schedule, maxBatch, height, width, algorithmCache, on, device, precision);
    }
}
