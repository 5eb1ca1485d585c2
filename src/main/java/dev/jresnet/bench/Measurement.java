package dev.jresnet.bench;

import java.util.List;

/**
 * One backend at one batch size: the times of the timed repetitions (sorted), and what the report derives from them.
 *
 * @param peakHeapMiB    the JVM heap's peak while this cell ran (NaN for peers in other processes)
 * @param convGflops     achieved GFLOP/s inside the convolutions alone (NaN where not measured)
 * @param deviationFromFirst relative L2 difference of this backend's logits from the first backend's (a check that
 *                       every backend computed the same thing)
 */
public record Measurement(String backend, String details, int batch, List<Double> millis, double peakHeapMiB,
                          double convGflops, double deviationFromFirst) {
    public Measurement {
        millis = millis.stream().sorted().toList();
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

    private double percentile(double p) {
        // nearest rank: the smallest value with at least p of the sample at or below it
        int rank = (int) Math.ceil(p * millis.size());
        return millis.get(Math.max(0, rank - 1));
    }
}
