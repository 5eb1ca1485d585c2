package dev.jresnet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jresnet.image.ImageBatches;
import dev.jresnet.image.Labels;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.tensor.TopK;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Prints classify's results as a table, CSV or JSON lines: the top-k classes per image with their softmax
 * probabilities, or, for features, which row of the output file holds each image.
 */
final class ClassificationWriter {
    enum Format { TABLE, CSV, JSONL }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Format format;
    private final PrintStream out;
    private final Labels labels;
    private final int top;
    private final boolean features;

    ClassificationWriter(Format format, PrintStream out, Labels labels, int top, boolean features) {
        this.format = format;
        this.out = out;
        this.labels = labels;
        this.top = top;
        this.features = features;
    }

    void header() {
        if (format == Format.CSV) {
            out.println(features ? "row,path" : "path,rank,index,label,probability");
        }
    }

    /** @param firstRow the output file's row of the first of these images */
    void write(List<ImageBatches.Item> items, Tensor outputs, int firstRow) {
        for (int i = 0; i < items.size(); i++) {
            String path = items.get(i).path().toString();
            if (features) {
                writeRow(firstRow + i, path);
            } else {
                writeTop(path, probabilities(outputs, i));
            }
        }
        out.flush();
    }

    private void writeRow(int row, String path) {
        switch (format) {
            case TABLE -> out.println(row + "\t" + path);
            case CSV -> out.println(row + "," + csv(path));
            case JSONL -> out.println(JSON.createObjectNode().put("row", row).put("path", path));
        }
    }

    private void writeTop(String path, Tensor probabilities) {
        List<TopK.Entry> best = TopK.of(probabilities, 0, top);
        switch (format) {
            case TABLE -> {
                StringBuilder s = new StringBuilder(path);
                for (TopK.Entry e : best) {
                    s.append(String.format(Locale.ROOT, "  %s %.3f", labels.name(e.index()), e.value()));
                }
                out.println(s);
            }
            case CSV -> {
                for (int r = 0; r < best.size(); r++) {
                    TopK.Entry e = best.get(r);
                    out.printf(Locale.ROOT, "%s,%d,%d,%s,%.6f%n", csv(path), r + 1, e.index(), csv(labels.name(e.index())), e.value());
                }
            }
            case JSONL -> {
                ObjectNode line = JSON.createObjectNode().put("path", path);
                ArrayNode list = line.putArray("top");
                for (TopK.Entry e : best) {
                    list.addObject().put("index", e.index()).put("label", labels.name(e.index())).put("probability", e.value());
                }
                out.println(line);
            }
        }
    }

    /** Softmax of one row of logits, in double for the sums, as a (1, classes) tensor. */
    static Tensor probabilities(Tensor logits, int row) {
        int classes = logits.dim(1);
        float[] v = logits.data();
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, v[row * classes + j]);
        }
        double total = 0;
        double[] e = new double[classes];
        for (int j = 0; j < classes; j++) {
            e[j] = Math.exp(v[row * classes + j] - max);
            total += e[j];
        }
        float[] p = new float[classes];
        for (int j = 0; j < classes; j++) {
            p[j] = (float) (e[j] / total);
        }
        return new Tensor(new int[]{1, classes}, p);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
