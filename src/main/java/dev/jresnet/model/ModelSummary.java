package dev.jresnet.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Per-layer output shapes, learned-parameter counts and multiply-accumulates of a graph for one input size. */
public record ModelSummary(String model, Shape input, List<Row> rows, long parameters, long macs) {

    public record Row(String name, String kind, Shape output, long parameters, long macs) {
    }

    public static ModelSummary of(Graph graph, Shape input) {
        Shape[] shapes = graph.shapes(input);
        List<Row> rows = new ArrayList<>();
        long totalParams = 0;
        long totalMacs = 0;
        for (Node node : graph.nodes()) {
            long params = node.parameters().stream().filter(p -> p.role().learned()).mapToLong(ParameterSpec::elements).sum();
            Shape out = shapes[node.output()];
            long macs = node.macs(out);
            rows.add(new Row(node.name(), node.kind(), out, params, macs));
            totalParams += params;
            totalMacs += macs;
        }
        return new ModelSummary(graph.name(), input, List.copyOf(rows), totalParams, totalMacs);
    }

    /** A fixed-width table, one row per layer, then the totals. */
    public String format() {
        int nameWidth = Math.max(5, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        String rowFormat = "%-" + nameWidth + "s  %-17s  %-16s  %,13d  %,15d%n";
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s, input %s per sample%n", model, input));
        out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %-17s  %-16s  %13s  %15s%n",
                "layer", "type", "output shape", "parameters", "MACs"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, rowFormat, r.name(), r.kind(), r.output(), r.parameters(), r.macs()));
        }
        out.append(String.format(Locale.ROOT, "Total parameters: %,d%n", parameters));
        out.append(String.format(Locale.ROOT, "Total MACs per sample: %,d (%.3f G)%n", macs, macs / 1e9));
        return out.toString();
    }
}
