package dev.jresnet.spark;

import dev.jresnet.Classification;
import dev.jresnet.Device;
import dev.jresnet.ImageOutput;
import dev.jresnet.InvalidOptionException;
import dev.jresnet.Prediction;
import dev.jresnet.ResNetModel;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transformer on a local Spark ({@code local[2,2]}), held to the single-JVM path: for every image the same
 * classes, probabilities, logits and features as {@link ResNetModel} computes for the same file in one JVM; bad rows
 * marked, never failing the job; a failed task retried without losing or repeating a row; saved and loaded in a
 * pipeline.
 */
class ResNetTransformerTest {
    @TempDir
    static Path dir;
    static Path folder;
    static List<Path> images = new ArrayList<>();
    static Path corrupt;

    @BeforeAll
    static void images() throws IOException {
        folder = dir.resolve("set");
        images.addAll(LocalSpark.images(folder, 16, 1, "png"));
        images.addAll(LocalSpark.images(folder.resolve("jpeg"), 8, 2, "jpeg"));
        corrupt = Files.write(folder.resolve("corrupt.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    }

    private static ResNetTransformer resnet18() throws IOException {
        return new ResNetTransformer().setArchitecture("resnet18").setWeights(LocalSpark.resnet18Weights().toString())
                .setImageSize(LocalSpark.RESIZE, LocalSpark.CROP);
    }

    private static ResNetTransformer tiny() throws IOException {
        return new ResNetTransformer().setDescription(LocalSpark.tinyDescription().toString())
                .setWeights(LocalSpark.tinyWeights().toString()).setImageSize(LocalSpark.RESIZE, LocalSpark.CROP);
    }

    private static Dataset<Row> binaryFiles(Path under) {
        return LocalSpark.spark().read().format("binaryFile").option("recursiveFileLookup", "true").load(under.toString());
    }

    /** Rows by the file they came from (binaryFile's path, the image source's origin: file URIs). */
    private static Map<Path, Row> byFile(Dataset<Row> rows, String column) {
        Map<Path, Row> map = new HashMap<>();
        for (Row row : rows.collectAsList()) {
            Row previous = map.put(Path.of(URI.create(row.getAs(column))), row);
            assertNull(previous, "a file came out twice: " + row.getAs(column));
        }
        return map;
    }

    private static void assertSameClasses(Classification expected, List<Row> predictions) {
        assertTrue(expected.ok(), expected.failure());
        assertEquals(expected.top().size(), predictions.size(), expected.source());
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = expected.top().get(i);
            Row row = predictions.get(i);
            assertEquals(p.index(), row.<Integer>getAs("index"), expected.source() + " rank " + i);
            assertEquals(p.label(), row.getAs("label"), expected.source() + " rank " + i);
            assertEquals(p.probability(), row.<Float>getAs("probability"), 1e-6f, expected.source() + " rank " + i);
        }
    }

    private static float[] floats(Vector v) {
        float[] f = new float[v.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v.apply(i);
        }
        return f;
    }

    @Test
    void predictionsAndLogitsAreWhatTheSingleJvmClassifyGivesForTheSameFiles() throws Exception {
        Map<Path, Row> predicted = byFile(resnet18().setTop(5).transform(binaryFiles(folder)), "path");
        Map<Path, Row> logits = byFile(resnet18().setOutput("logits").transform(binaryFiles(folder)), "path");
        assertEquals(images.size() + 1, predicted.size());
        try (ResNetModel single = LocalSpark.resnet18OnOneJvm(5)) {
            List<ImageOutput> expectedLogits = new ArrayList<>();
            single.logits(images, expectedLogits::add);
            for (int i = 0; i < images.size(); i++) {
                Row row = predicted.get(images.get(i));
                assertEquals("ok", row.getAs("status"), images.get(i) + ": " + row.getAs("error"));
                assertNull(row.getAs("error"));
                assertSameClasses(single.classify(images.get(i)), row.getList(row.fieldIndex("predictions")));
                assertArrayEquals(expectedLogits.get(i).values(), floats(logits.get(images.get(i)).getAs("logits")),
                        images.get(i).toString());
            }
        }
        Row bad = predicted.get(corrupt);
        assertEquals("failed", bad.getAs("status"));
        assertNull(bad.getAs("predictions"));
        assertTrue(bad.<String>getAs("error").contains("cannot be decoded") || bad.<String>getAs("error").contains("not an image"),
                bad.<String>getAs("error"));
        assertEquals("failed", logits.get(corrupt).getAs("status"));
    }

    @Test
    void featuresAreThePooledVectorTheSingleJvmGives() throws Exception {
        Map<Path, Row> rows = byFile(resnet18().setOutput("features").setOutputCol("embedding").transform(binaryFiles(folder)),
                "path");
        try (ResNetModel single = LocalSpark.resnet18OnOneJvm(5)) {
            List<ImageOutput> expected = single.features(images);
            for (int i = 0; i < images.size(); i++) {
                Vector v = rows.get(images.get(i)).getAs("embedding");
                assertEquals(512, v.size());
                assertArrayEquals(expected.get(i).values(), floats(v), images.get(i).toString());
            }
        }
    }

    @Test
    void corruptTruncatedEmptyAndNullRowsAreMarkedAndTheJobCompletes() throws Exception {
        byte[] good = Files.readAllBytes(images.get(0));
        StructType schema = new StructType().add("name", DataTypes.StringType).add("content", DataTypes.BinaryType);
        List<Row> rows = List.of(RowFactory.create("good", good), RowFactory.create("null", null),
                RowFactory.create("empty", new byte[0]), RowFactory.create("garbage", "not an image".getBytes()),
                RowFactory.create("truncated", Arrays.copyOf(good, good.length / 2)), RowFactory.create("good again", good));
        Map<String, Row> out = new HashMap<>();
        for (Row row : tiny().transform(LocalSpark.spark().createDataFrame(rows, schema)).collectAsList()) {
            out.put(row.getAs("name"), row);
        }
        assertEquals(6, out.size());
        try (ResNetModel single = LocalSpark.tinyOnOneJvm(5)) {
            for (String name : List.of("good", "good again")) {
                assertEquals("ok", out.get(name).getAs("status"), name);
                assertSameClasses(single.classify(images.get(0)), out.get(name).getList(out.get(name).fieldIndex("predictions")));
            }
        }
        Map<String, String> reasons = Map.of("null", "no image: content is null", "empty", "no image: content is empty (0 bytes)",
                "garbage", "not an image format", "truncated", "cannot be decoded");
        reasons.forEach((name, reason) -> {
            Row row = out.get(name);
            assertEquals("failed", row.getAs("status"), name);
            assertNull(row.getAs("predictions"), name);
            assertTrue(row.<String>getAs("error").contains(reason), name + ": " + row.getAs("error"));
        });
    }

    @Test
    void theImageDataSourcesPixelsGiveWhatTheFileGives() throws Exception {
        Dataset<Row> decoded = LocalSpark.spark().read().format("image").option("recursiveFileLookup", "true").load(folder.toString());
        Dataset<Row> out = resnet18().setInputCol("image").transform(decoded).selectExpr("image.origin AS origin", "predictions",
                "status", "error");
        Map<Path, Row> rows = byFile(out, "origin");
        try (ResNetModel single = LocalSpark.resnet18OnOneJvm(5)) {
            for (Path image : images) {
                Row row = rows.get(image);
                assertEquals("ok", row.getAs("status"), image + ": " + row.getAs("error"));
                assertSameClasses(single.classify(image), row.getList(row.fieldIndex("predictions")));
            }
        }
        Row bad = rows.get(corrupt);
        assertEquals("failed", bad.getAs("status"));
        assertEquals("Spark's image data source could not decode it", bad.getAs("error"));
    }

    /** Partitions whose first attempt failed on purpose. */
    private static final AtomicInteger INJECTED = new AtomicInteger();

    /** Partition 1's first attempt dies after taking 10 rows from the transformer: in the middle of its batches. */
    private static final class DieOnce implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            if (task.partitionId() != 1 || task.attemptNumber() > 0) {
                return rows;
            }
            return new Iterator<>() {
                private int taken;

                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    if (++taken == 10) {
                        INJECTED.incrementAndGet();
                        throw new IllegalStateException("a failure injected by the test");
                    }
                    return rows.next();
                }
            };
        }
    }

    @Test
    void aFailedTaskIsRetriedAndEachRowComesOutOnceFromTheSameNetwork() throws Exception {
        List<Path> many = LocalSpark.images(dir.resolve("retried"), 120, 3, "png");
        ModelSpec spec = new ModelSpec(null, LocalSpark.tinyDescription().toString(), LocalSpark.tinyWeights().toString(), null, 5,
                32, LocalSpark.RESIZE, LocalSpark.CROP);
        ResNetModel network = ExecutorModels.get(spec, Device.CPU);
        Dataset<Row> classified = tiny().transform(binaryFiles(dir.resolve("retried")).repartition(4));
        Map<Path, Row> rows = byFile(classified.mapPartitions(new DieOnce(), Encoders.row(classified.schema())), "path");
        assertEquals(1, INJECTED.get(), "the first attempt of partition 1 failed");
        assertEquals(many.size(), rows.size());
        try (ResNetModel single = LocalSpark.tinyOnOneJvm(5)) {
            for (Path image : many) {
                Row row = rows.get(image);
                assertEquals("ok", row.getAs("status"), image.toString());
                assertSameClasses(single.classify(image), row.getList(row.fieldIndex("predictions")));
            }
        }
        assertSame(network, ExecutorModels.get(spec, Device.CPU), "every task, the retried one too, used this JVM's network");
    }

    @Test
    void thousandsOfSmallImagesEndToEnd() throws Exception {
        List<Path> many = LocalSpark.images(dir.resolve("thousands"), 2000, 4, "png");
        Map<Path, Row> rows = byFile(tiny().setTop(1).transform(binaryFiles(dir.resolve("thousands"))).select("path", "predictions",
                "status"), "path");
        assertEquals(many.size(), rows.size());
        assertTrue(rows.values().stream().allMatch(r -> "ok".equals(r.getAs("status"))));
        try (ResNetModel single = LocalSpark.tinyOnOneJvm(1)) {
            for (int i = 0; i < many.size(); i += 50) {
                Row row = rows.get(many.get(i));
                assertSameClasses(single.classify(many.get(i)), row.getList(row.fieldIndex("predictions")));
            }
        }
    }

    @Test
    void savedAndLoadedAloneAndInAPipelineItTransformsAlike() throws Exception {
        ResNetTransformer configured = tiny().setTop(3).setOutputCol("classes").setStatusCol("state").setErrorCol("why")
                .setMaxBatch(8);
        configured.write().overwrite().save(dir.resolve("transformer").toString());
        ResNetTransformer loaded = ResNetTransformer.load(dir.resolve("transformer").toString());
        assertEquals(configured.uid(), loaded.uid());
        assertEquals(configured.extractParamMap().toString(), loaded.extractParamMap().toString());

        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[]{configured}).fit(binaryFiles(folder));
        fitted.write().overwrite().save(dir.resolve("pipeline").toString());
        PipelineModel reloaded = PipelineModel.load(dir.resolve("pipeline").toString());
        ResNetTransformer stage = (ResNetTransformer) reloaded.stages()[0];
        assertEquals(3, stage.getTop());
        assertEquals("classes", stage.getOutputCol());
        Map<Path, Row> before = byFile(fitted.transform(binaryFiles(folder)).drop("content"), "path");
        Map<Path, Row> after = byFile(reloaded.transform(binaryFiles(folder)).drop("content"), "path");
        assertEquals(images.size() + 1, after.size());
        for (Map.Entry<Path, Row> e : before.entrySet()) {
            Row row = after.get(e.getKey());
            assertEquals(e.getValue().<String>getAs("state"), row.<String>getAs("state"));
            assertEquals(e.getValue().<String>getAs("why"), row.<String>getAs("why"));
            assertEquals(String.valueOf(e.getValue().getList(e.getValue().fieldIndex("classes"))),
                    String.valueOf(row.getList(row.fieldIndex("classes"))));
        }
    }

    @Test
    void weightsShippedWithTheJobAreFoundByTheirFileName() throws Exception {
        Path shipped = Files.copy(LocalSpark.tinyWeights(), dir.resolve("tiny-shipped.safetensors"));
        LocalSpark.spark().sparkContext().addFile(shipped.toString());
        Dataset<Row> out = tiny().setWeights("/nowhere/on/this/machine/tiny-shipped.safetensors").transform(binaryFiles(folder));
        assertEquals(images.size(), out.filter("status = 'ok'").count());
    }

    @Test
    void weightsNowhereFailTheJobSayingWhere() throws Exception {
        Dataset<Row> out = tiny().setWeights("/nowhere/missing.safetensors").transform(binaryFiles(folder));
        SparkException e = assertThrows(SparkException.class, out::count);
        assertTrue(e.getMessage().contains("the weights file /nowhere/missing.safetensors is neither on this machine nor among the "
                + "files shipped with the job"), e.getMessage());
    }

    @Test
    void schemaMistakesAreSaidBeforeAnyTaskRuns() throws Exception {
        StructType files = binaryFiles(folder).schema();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().setInputCol("bytes").transformSchema(files))
                .getMessage().contains("no image column 'bytes'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().setInputCol("length").transformSchema(files))
                .getMessage().contains("'length' is bigint"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> tiny().setArchitecture("resnet18").transformSchema(files))
                .getMessage().contains("exactly one of setArchitecture and setDescription"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> new ResNetTransformer().setArchitecture("resnet18")
                .transformSchema(files)).getMessage().contains("no weights"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().setOutputCol("path").transformSchema(files))
                .getMessage().contains("'path' is already there"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().setOutput("logit")).getMessage().contains("output"));
        StructType out = tiny().setOutput("features").transformSchema(files);
        assertEquals(List.of("path", "modificationTime", "length", "content", "features", "status", "error"),
                Arrays.asList(out.fieldNames()));
    }
}
