package dev.jresnet.spark;

import dev.jresnet.Classification;
import dev.jresnet.ResNetModel;
import dev.jresnet.image.ImageFiles;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable job: a folder of images in, one row per image out as Parquet and as one CSV file. */
class ClassifyJobTest {
    @Test
    void aFolderBecomesParquetAndCsvWithEveryImageOnceAndFailuresMarked(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("photos");
        List<Path> images = new ArrayList<>(LocalSpark.images(folder, 5, 11, "png"));
        images.addAll(LocalSpark.images(folder.resolve("2024"), 2, 12, "jpeg"));
        Path upper = folder.resolve("SHOUTED.PNG");
        Files.copy(images.get(0), upper);
        images.add(upper);
        Path corrupt = Files.write(folder.resolve("corrupt.jpg"), new byte[]{(byte) 0xff, (byte) 0xd8, 0, 1});
        Files.writeString(folder.resolve("notes.txt"), "not an image, and not named as one");
        Path out = dir.resolve("out");

        ClassifyJob job = new ClassifyJob();
        new CommandLine(job).parseArgs("--config", LocalSpark.tinyDescription().toString(), "--weights",
                LocalSpark.tinyWeights().toString(), "--top", "3", folder.toString(), out.toString());
        assertEquals(0, job.run(LocalSpark.spark()));

        Map<Path, Row> parquet = new HashMap<>();
        for (Row row : LocalSpark.spark().read().parquet(out.resolve("parquet").toString()).collectAsList()) {
            parquet.put(Path.of(URI.create(row.getAs("path"))), row);
        }
        assertEquals(images.size() + 1, parquet.size(), "every image once, notes.txt left out");
        List<Path> csvFiles;
        try (Stream<Path> files = Files.list(out.resolve("csv"))) {
            csvFiles = files.filter(f -> f.toString().endsWith(".csv")).toList();
        }
        assertEquals(1, csvFiles.size(), "one CSV file");
        List<String> lines = Files.readAllLines(csvFiles.get(0));
        assertEquals("path,status,error,label,probability,top", lines.get(0));
        assertTrue(lines.stream().anyMatch(line -> line.contains(",\"[{\"\"index\"\":")), "quotes doubled in quoted fields (RFC 4180)");
        Map<Path, Row> csv = new HashMap<>();
        for (Row row : LocalSpark.spark().read().option("header", "true").option("escape", "\"").csv(csvFiles.get(0).toString())
                .collectAsList()) {
            csv.put(Path.of(URI.create(row.getAs("path"))), row);
        }
        assertEquals(parquet.keySet(), csv.keySet());

        try (ResNetModel single = ResNetModel.builder().description(LocalSpark.tinyDescription().toString())
                .weights(LocalSpark.tinyWeights()).device("cpu").top(3).build()) {
            for (Path image : images) {
                Classification expected = single.classify(image);
                Row row = csv.get(image);
                assertEquals("ok", row.getAs("status"), image + ": " + row.getAs("error"));
                assertEquals(expected.best().orElseThrow().label(), row.getAs("label"), image.toString());
                assertEquals(expected.best().orElseThrow().probability(), Float.parseFloat(row.getAs("probability")), 1e-6f);
                assertTrue(row.<String>getAs("top").startsWith("[{\"index\":" + expected.top().get(0).index() + ","),
                        row.<String>getAs("top"));
                assertEquals(3, parquet.get(image).getList(parquet.get(image).fieldIndex("predictions")).size());
            }
        }
        assertEquals("failed", csv.get(corrupt).getAs("status"));
        assertNull(csv.get(corrupt).getAs("label"));
        assertTrue(csv.get(corrupt).<String>getAs("error").contains("cannot be decoded"), csv.get(corrupt).<String>getAs("error"));
    }

    @Test
    void theImageGlobMatchesJresnetsExtensionsInAnyCase() {
        // Spark's pathGlobFilter is Hadoop's glob: hold the pattern to it, name by name.
        GlobPattern glob = new GlobPattern(ClassifyJob.imageGlob());
        for (String extension : ImageFiles.extensions()) {
            String mixed = extension.substring(0, 1).toUpperCase(Locale.ROOT) + extension.substring(1);
            for (String name : List.of("a." + extension, "b." + extension.toUpperCase(Locale.ROOT), "c." + mixed)) {
                assertTrue(glob.matches(name), name);
            }
            assertFalse(glob.matches("d." + extension + "x"), extension + "x");
        }
        for (String name : List.of("notes.txt", "jpg", "model.safetensors")) {
            assertFalse(glob.matches(name), name);
        }
    }
}
