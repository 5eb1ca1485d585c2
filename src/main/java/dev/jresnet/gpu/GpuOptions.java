package dev.jresnet.gpu;

/**
 * How a {@link GpuResNet} is built.
 *
 * @param schedule  {@link Schedule#FUSED} (default) or {@link Schedule#REFERENCE}
 * @param maxBatch  the largest batch run at once: device buffers are sized for it; larger batches are split
 * @param height    input height the network is planned for (default 224)
 * @param width     input width (default 224)
 */
public record GpuOptions(Schedule schedule, int maxBatch, int height, int width) {
    public GpuOptions {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + height + "x" + width);
        }
    }

    public static GpuOptions defaults() {
        return new GpuOptions(Schedule.FUSED, 32, 224, 224);
    }

    public GpuOptions withSchedule(Schedule s) {
        return new GpuOptions(s, maxBatch, height, width);
    }

    public GpuOptions withMaxBatch(int n) {
        return new GpuOptions(schedule, n, height, width);
    }

    public GpuOptions withInputSize(int h, int w) {
        return new GpuOptions(schedule, maxBatch, h, w);
    }
}
