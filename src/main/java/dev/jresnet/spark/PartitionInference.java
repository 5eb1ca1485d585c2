package dev.jresnet.spark;

import dev.jresnet.ImageOutput;
import dev.jresnet.ImageOutputs;
import dev.jresnet.ResNetModel;
import dev.jresnet.image.ImageSource;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * One partition's rows through this executor's network, row for row: each row comes out with its columns and three
 * more, the output (null when the image failed), the status ("ok" or "failed") and the error (why; null when ok).
 * Rows are taken as the network needs them: the images of up to two batches are decoded ahead on the model's decode
 * threads while the network runs, and the partition's batches join those of the executor's other tasks in the
 * model's batcher. A task completion listener stops the decoding when the task ends early (failed or killed).
 */
final class PartitionInference implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    // SLF4J, Spark's logging: a task thread's JDK logging (System.Logger) reaches Spark's log4j only at ERROR.
    private static final Logger LOG = LoggerFactory.getLogger(PartitionInference.class);
    static final String OK = "ok";
    static final String FAILED = "failed";

    private final ModelSpec spec;
    private final ImageColumn column;
    private final Output output;
    private final String device;

    /** @param device "auto", "gpu" or "cpu" ({@link TaskDevice}) */
    PartitionInference(ModelSpec spec, ImageColumn column, Output output, String device) {
        this.spec = spec;
        this.column = column;
        this.output = output;
        this.device = device;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskContext task = TaskContext.get();
        TaskDevice where = TaskDevice.choose(device, task == null ? Map.of() : task.resourcesJMap(),
                System.getenv("CUDA_VISIBLE_DEVICES"));
        String partition = task == null ? "partition" : "partition " + task.partitionId();
        LOG.info("jresnet: " + partition + (task == null ? "" : " (task " + task.taskAttemptId()
                + ")") + " runs on " + where.reason());
        ResNetModel model = ExecutorModels.get(spec, where.device());
        // The rows whose images are being decoded or run, oldest first: outputs come back in the same order.
        Deque<Row> waiting = new ArrayDeque<>();
        Iterator<ImageSource> images = new Iterator<>() {
            private long taken;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ImageSource next() {
                Row row = rows.next();
                waiting.add(row);
                return column.imageOf(row, partition + " row " + taken++);
            }
        };
        ImageOutputs outputs = output.run(model, images);
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ended -> outputs.close());
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (outputs.hasNext()) {
                    return true;
                }
                outputs.close();
                return false;
            }

            @Override
            public Row next() {
                ImageOutput out = outputs.next(); // first: it takes the rows it needs into waiting
                return withOutput(waiting.poll(), out, model);
            }
        };
    }

    private Row withOutput(Row row, ImageOutput out, ResNetModel model) {
        Object[] values = new Object[row.size() + 3];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        values[row.size()] = out.ok() ? output.value(model, out) : null;
        values[row.size() + 1] = out.ok() ? OK : FAILED;
        values[row.size() + 2] = out.failure();
        return RowFactory.create(values);
    }
}
