package dev.jresnet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jresnet.Classification;
import dev.jresnet.ImageOutput;
import dev.jresnet.Prediction;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints classify's results as a table, CSV or JSON lines, one entry per input file, failures included with their
 * reason (status "failed"), so that a script sees every file: the top-k classes with their probabilities, or, with
 * features, which row of the output file holds the image.
 */
final class ClassificationWriter {
    enum Format { TABLE, CSV, JSONL }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Format format;
    private final PrintStream out;

    ClassificationWriter(Format format, PrintStream out) {
        this.format = format;
        this.out = out;
    }

    void header(boolean features) {
        if (format == Format.CSV) {
            out.println(features ? "row,path,status,reason" : "path,status,rank,index,label,probability,reason");
        }
    }

    void classification(Classification c) {
        switch (format) {
            case TABLE -> {
                StringBuilder s = new StringBuilder(c.source());
                if (!c.ok()) {
                    s.append("  FAILED: ").append(c.failure());
                }
                for (Prediction p : c.top()) {
                    s.append(String.format(Locale.ROOT, "  %s %.3f", p.label(), p.probability()));
                }
                out.println(s);
            }
            case CSV -> {
                if (!c.ok()) {
                    out.println(csv(c.source()) + ",failed,,,,," + csv(c.failure()));
                }
                for (int r = 0; r < c.top().size(); r++) {
                    Prediction p = c.top().get(r);
                    out.printf(Locale.ROOT, "%s,ok,%d,%d,%s,%.6f,%n", csv(c.source()), r + 1, p.index(), csv(p.label()),
                            p.probability());
                }
            }
            case JSONL -> {
                ObjectNode line = status(c.source(), c.failure());
                if (c.ok()) {
                    ArrayNode list = line.putArray("top");
                    for (Prediction p : c.top()) {
                        list.addObject().put("index", p.index()).put("label", p.label()).put("probability", p.probability());
                    }
                }
                out.println(line);
            }
        }
        out.flush();
    }

    /** @param row the output file's row holding this image's features, or -1 when it failed */
    void features(ImageOutput f, int row) {
        switch (format) {
            case TABLE -> out.println((f.ok() ? row + "\t" : "-\t") + f.source() + (f.ok() ? "" : "  FAILED: " + f.failure()));
            case CSV -> out.println((f.ok() ? row : "") + "," + csv(f.source()) + (f.ok() ? ",ok," : ",failed," + csv(f.failure())));
            case JSONL -> {
                ObjectNode line = status(f.source(), f.failure());
                if (f.ok()) {
                    line.put("row", row);
                }
                out.println(line);
            }
        }
        out.flush();
    }

    private static ObjectNode status(String path, String failure) {
        ObjectNode line = JSON.createObjectNode().put("path", path).put("status", failure == null ? "ok" : "failed");
        if (failure != null) {
            line.put("reason", failure);
        }
        return line;
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
