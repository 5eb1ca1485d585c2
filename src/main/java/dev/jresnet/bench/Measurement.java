package dev.jresnet.bench;

import java.util.List;

/**
 * One backend at one batch size: the times of the timed repetitions (sorted), and what the report derives from them.
 *
 * @param peakHeapMiB    the JVM heap's peak while this cell ran (NaN for peers in other processes)
 * @param convGflops     achieved GFLOP/s inside the convolutions alone (NaN where not measured)
 * @param deviationFromFirst relative L2 difference of this backend's logits from the first backend's (a check that
 *                       every backend computed the same thing)
 * @param gpuMiB         GPU memory the backend held for this batch size (NaN on the CPU): for jresnet, the device
 *                       memory its network took (free memory before it was built, less free memory after the cell);
 *                       for PyTorch, its caching allocator's peak reservation
 * @param flopsPerImage  the model's arithmetic per image (2 x multiply-adds of its convolutions and classifier)
 * @param peakTflops     what the device can reach in this backend's precision (NaN when unknown or on the CPU)
 */
public record Measurement(String backend, String details, int batch, List<Double> millis, double peakHeapMiB,
                          double convGflops, double deviationFromFirst, double gpuMiB, double flopsPerImage,
                          double peakTflops) {
    public Measurement {
        millis = millis.stream().sorted().toList();
    }

    /** A CPU measurement: no GPU figures. */
    public Measurement(String backend, String details, int batch, List<Double> millis, double peakHeapMiB, double convGflops,
                       double deviationFromFirst) {
        this(backend, details, batch, millis, peakHeapMiB, convGflops, deviationFromFirst, Double.NaN, Double.NaN, Double.NaN);
    }

    public double medianMillis() {
        return percentile(0.5);
    }

    public double p90Millis() {
        return percentile(0.9);
    }

    public double imagesPerSecond() {
        return batch * 1000.0 / medianMillis();
    }

    /** The model's TFLOP/s at the median time (NaN where the model's arithmetic was not counted). */
    public double tflops() {
        return flopsPerImage * imagesPerSecond() / 1e12;
    }

    /** {@link #tflops()} as a fraction of the device's peak in this precision. */
    public double ofPeak() {
        return tflops() / peakTflops;
    }

    private double percentile(double p) {
        // nearest rank: the smallest value with at least p of the sample at or below it
        int rank = (int) Math.ceil(p * millis.size());
        return millis.get(Math.max(0, rank - 1));
    }
}
