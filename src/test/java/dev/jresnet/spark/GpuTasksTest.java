package dev.jresnet.spark;

import dev.jresnet.Device;
import dev.jresnet.ImageOutput;
import dev.jresnet.ResNetModel;
import dev.jresnet.gpu.Gpu;
import dev.jresnet.gpu.sim.SimulatedGpu;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.testing.GpuUnderTest;
import org.apache.spark.TaskContext$;
import org.apache.spark.TaskContextImpl;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tasks on GPUs, on the simulated GPU (two GPUs, 0 and 1). Spark's local mode assigns tasks no resources (its
 * scheduler offers none), so a partition is run here as Spark's executor runs it, on a thread whose TaskContext is
 * Spark's own (TaskContextImpl) holding the GPU addresses a cluster would have assigned: what is tested is the path
 * from TaskContext.get().resources() to the device, the network made on that GPU and no other, one network per GPU
 * shared by later tasks, and the results, which are the CPU's within the GPU's fp32 bar.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class GpuTasksTest {
    private static final StructType FILES = new StructType().add("name", DataTypes.StringType).add("content", DataTypes.BinaryType);
    /** Where the output rows (the input's columns, then the output, status and error) hold what is checked. */
    private static final int NAME = 0;
    private static final int LOGITS = 2;
    private static final int STATUS = 3;
    private static final int ERROR = 4;

    @AfterEach
    void closeTheNetworks() {
        ExecutorModels.closeAll(); // what the JVM's end does; the GPU test's leak check runs after this
    }

    /** One partition through {@code inference} as a task Spark assigned {@code gpus}; its rows out. */
    private static List<Row> runAsTask(PartitionInference inference, List<Row> rows, long taskId, String... gpus) {
        Map<String, ResourceInformation> resources = gpus.length == 0 ? Map.of() : Map.of("gpu", new ResourceInformation("gpu", gpus));
        TaskContextImpl task = new TaskContextImpl(0, 0, 0, taskId, 0, 1, null, new Properties(), null, TaskMetrics.empty(), 1,
                scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(resources)));
        TaskContext$.MODULE$.setTaskContext(task);
        try {
            List<Row> out = new ArrayList<>();
            Iterator<Row> it = inference.call(rows.iterator());
            it.forEachRemaining(out::add);
            return out;
        } finally {
            task.markTaskCompleted(Option.empty()); // runs the task's completion listeners, as the executor does
            TaskContext$.MODULE$.unset();
        }
    }

    @Test
    void eachTaskRunsOnTheGpuSparkAssignedItWithOneNetworkPerGpu(SimulatedGpu sim, @TempDir Path dir) throws Exception {
        assumeTrue(Gpu.probe().devices().size() >= 2, "needs two GPUs");
        List<Path> images = LocalSpark.images(dir, 5, 9, "png");
        List<Row> rows = new ArrayList<>();
        for (Path image : images) {
            rows.add(RowFactory.create(image.toString(), Files.readAllBytes(image)));
        }
        ModelSpec spec = new ModelSpec(null, LocalSpark.tinyDescription().toString(), LocalSpark.tinyWeights().toString(), null, 5,
                4, LocalSpark.RESIZE, LocalSpark.CROP);
        PartitionInference inference = new PartitionInference(spec, ImageColumn.of(FILES, "content"), Output.LOGITS, "auto");
        long idleOn0 = sim.deviceBytesInUse(0);

        List<Row> onGpu1 = runAsTask(inference, rows, 1, "1");
        assertEquals(Set.of(Device.gpu(1)), ExecutorModels.devicesOf(spec));
        assertEquals(idleOn0, sim.deviceBytesInUse(0), "the task assigned GPU 1 left GPU 0 alone");
        assertTrue(sim.deviceBytesInUse(1) > 0, "the task assigned GPU 1 made its network there");
        ResNetModel networkOn1 = ExecutorModels.get(spec, Device.gpu(1));

        List<Row> onGpu0 = runAsTask(inference, rows, 2, "0");
        assertEquals(Set.of(Device.gpu(0), Device.gpu(1)), ExecutorModels.devicesOf(spec));
        assertTrue(sim.deviceBytesInUse(0) > idleOn0, "the task assigned GPU 0 made its network there");
        List<Row> againOnGpu1 = runAsTask(inference, rows, 3, "1");
        assertSame(networkOn1, ExecutorModels.get(spec, Device.gpu(1)), "a later task on GPU 1 shares its network");

        List<Row> onCpu = runAsTask(inference, rows, 4);
        assertEquals(Set.of(Device.CPU, Device.gpu(0), Device.gpu(1)), ExecutorModels.devicesOf(spec),
                "a task without a GPU runs on the CPU");
        List<ImageOutput> expected = new ArrayList<>();
        try (ResNetModel single = LocalSpark.tinyOnOneJvm(5)) {
            single.logits(images, expected::add);
        }
        for (List<Row> gpuRows : List.of(onGpu1, onGpu0, againOnGpu1)) {
            for (int i = 0; i < images.size(); i++) {
                Row row = gpuRows.get(i);
                assertEquals("ok", row.get(STATUS), images.get(i) + ": " + row.get(ERROR));
                double error = Metrics.relativeL2(floats((Vector) row.get(LOGITS)), expected.get(i).values());
                assertTrue(error <= 1e-5, images.get(i) + ": GPU logits off the CPU's by " + error);
                assertEquals(images.get(i).toString(), row.get(NAME), "rows keep their order");
            }
        }
        for (int i = 0; i < images.size(); i++) {
            assertEquals(0, Metrics.relativeL2(floats((Vector) onCpu.get(i).get(LOGITS)), expected.get(i).values()));
        }
    }

    private static float[] floats(Vector v) {
        float[] f = new float[v.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v.apply(i);
        }
        return f;
    }
}
