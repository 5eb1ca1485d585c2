package dev.jresnet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The results of one benchmark run as a text table, a Markdown table or JSON, with throughput ratios to a baseline. */
public record BenchReport(Map<String, String> environment, List<Measurement> measurements, String baseline) {

    /** Rows: backend, batch, median and p90 latency, images/s, ratio to the baseline at that batch, and the extras. */
    public String table() {
        return render(false);
    }

    public String markdown() {
        return render(true);
    }

    /**
     * With GPU rows, the columns are the GPU's: the model's TFLOP/s, that as a share of the device's peak in the row's
     * precision, and the GPU memory held; otherwise the CPU's: the convolutions' GFLOP/s and the peak heap.
     */
    private String render(boolean markdown) {
        boolean gpu = measurements.stream().anyMatch(m -> !Double.isNaN(m.gpuMiB()));
        String[] head = gpu
                ? new String[]{"backend", "batch", "median ms", "p90 ms", "images/s", "vs " + baseline, "TFLOP/s", "of peak",
                        "GPU MiB", "logits vs first"}
                : new String[]{"backend", "batch", "median ms", "p90 ms", "images/s", "vs " + baseline, "conv GFLOP/s",
                        "peak heap MiB", "logits vs first"};
        StringBuilder s = new StringBuilder();
        String format = markdown ? "|" + " %s |".repeat(head.length) + "%n"
                : (gpu ? "%-28s %5s %10s %10s %10s %12s %8s %8s %8s %15s%n" : "%-14s %5s %10s %10s %10s %12s %12s %13s %15s%n");
        s.append(String.format(Locale.ROOT, format, (Object[]) head));
        if (markdown) {
            s.append("|---").append("|---:".repeat(head.length - 1)).append("|\n");
        }
        for (Measurement m : measurements) {
            String ratio = ratio(m).map(r -> fixed(r, 2)).orElse("-");
            String deviation = String.format(Locale.ROOT, "%.1e", m.deviationFromFirst());
            Object[] row = gpu
                    ? new Object[]{m.backend(), m.batch(), fixed(m.medianMillis(), 2), fixed(m.p90Millis(), 2),
                            fixed(m.imagesPerSecond(), 1), ratio, fixed(m.tflops(), 1), percent(m.ofPeak()), fixed(m.gpuMiB(), 0),
                            deviation}
                    : new Object[]{m.backend(), m.batch(), fixed(m.medianMillis(), 2), fixed(m.p90Millis(), 2),
                            fixed(m.imagesPerSecond(), 1), ratio, fixed(m.convGflops(), 1), fixed(m.peakHeapMiB(), 0), deviation};
            s.append(String.format(Locale.ROOT, format, row));
        }
        return s.toString();
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    /** This row's images/s over the baseline's at the same batch size. */
    public Optional<Double> ratio(Measurement m) {
        return measurements.stream().filter(b -> b.backend().equals(baseline) && b.batch() == m.batch()).findFirst()
                .map(b -> m.imagesPerSecond() / b.imagesPerSecond());
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    public void writeChart(String title, Path png) throws IOException {
        ThroughputChart.write(this, title, png);
    }

    public void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("environment", environment);
        root.put("baseline", baseline);
        root.put("measurements", measurements.stream().map(m -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("backend", m.backend());
            row.put("details", m.details());
            row.put("batch", m.batch());
            row.put("median_ms", m.medianMillis());
            row.put("p90_ms", m.p90Millis());
            row.put("images_per_second", m.imagesPerSecond());
            row.put("ratio_to_baseline", ratio(m).orElse(null));
            row.put("conv_gflops", Double.isNaN(m.convGflops()) ? null : m.convGflops());
            row.put("peak_heap_mib", Double.isNaN(m.peakHeapMiB()) ? null : m.peakHeapMiB());
            row.put("gpu_mib", Double.isNaN(m.gpuMiB()) ? null : m.gpuMiB());
            row.put("tflops", Double.isNaN(m.tflops()) ? null : m.tflops());
            row.put("of_peak", Double.isNaN(m.ofPeak()) ? null : m.ofPeak());
            row.put("logits_relative_l2_vs_first", m.deviationFromFirst());
            row.put("millis", m.millis());
            return row;
        }).toList());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }
}
