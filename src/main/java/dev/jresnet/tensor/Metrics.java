package dev.jresnet.tensor;

/** The error measures the project's numeric bars are stated in. */
public final class Metrics {
    private Metrics() {
    }

    /** ||actual - expected|| / ||expected|| in double; NaN when lengths differ or any value is NaN. */
    public static double relativeL2(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("lengths differ: " + actual.length + " vs " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }

    public static double maxAbsDiff(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("lengths differ: " + actual.length + " vs " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
        }
        return max;
    }
}
