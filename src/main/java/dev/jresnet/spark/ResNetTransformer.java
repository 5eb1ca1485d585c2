package dev.jresnet.spark;

import dev.jresnet.InvalidOptionException;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * A Spark ML {@link Transformer} that runs a ResNet over a column of images: for each row the top-k classes with their
 * probabilities, or the pooled features, or the logits, plus a status column ("ok" or "failed") and an error column
 * (why an image failed: corrupt, empty, null; null when it did not). A bad image marks its row and never fails the job.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", "*.jpg").load("s3a://bucket/images");
 * Dataset<Row> labelled = new ResNetTransformer()
 *         .setArchitecture("resnet50")
 *         .setWeights("resnet50.safetensors")   // on every machine, or shipped with spark-submit --files
 *         .setTop(5)
 *         .transform(images);                   // + predictions, status, error
 * }</pre>
 *
 * The image column holds encoded images (the {@code content} of the binaryFile source, the default) or the struct of
 * Spark's image data source. On the executors, each JVM makes one network per model and device, on first use, and
 * shares it between its tasks until the JVM ends; each task runs on the GPU Spark assigned it (its "gpu" resource),
 * or on the CPU where it has none. Its params are saved and loaded with it (it is {@link DefaultParamsWritable}, and
 * {@link #load} reads it back), so it fits in a saved {@code Pipeline}.
 */
public final class ResNetTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> architecture;
    private final Param<String> description;
    private final Param<String> weights;
    private final Param<String> labels;
    private final IntParam top;
    private final Param<String> output;
    private final Param<String> outputCol;
    private final Param<String> statusCol;
    private final Param<String> errorCol;
    private final Param<String> device;
    private final IntParam maxBatch;
    private final IntParam resize;
    private final IntParam crop;

    public ResNetTransformer() {
        this(Identifiable.randomUID("resnet"));
    }

    /** With the given uid: how Spark copies a transformer and loads a saved one. */
    public ResNetTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the image column: encoded images (binary, as binaryFile's content) or the image "
                + "data source's struct");
        architecture = new Param<>(this, "architecture", "a torchvision architecture: resnet18, resnet50, resnext50_32x4d, ...");
        description = new Param<>(this, "description", "a model description file (JSON), or the name of one shipped with "
                + "jresnet, instead of an architecture");
        weights = new Param<>(this, "weights", "the weights file (safetensors or torch .pth), on every machine or shipped with "
                + "the job (spark-submit --files)");
        labels = new Param<>(this, "labels", "a file of class names, one per line (default: ImageNet's for 1000 classes)");
        top = new IntParam(this, "top", "classes per image in predictions", ParamValidators.gtEq(1));
        output = new Param<>(this, "output", "what is written: predictions (top-k classes), features (pooled, a vector) or "
                + "logits (a vector)", ParamValidators.inArray(Arrays.stream(Output.values()).map(Output::label)
                .toArray(String[]::new)));
        outputCol = new Param<>(this, "outputCol", "the output's column (default: the output's name)");
        statusCol = new Param<>(this, "statusCol", "the column saying ok, or failed when the image could not be read");
        errorCol = new Param<>(this, "errorCol", "the column saying why an image failed (null when it did not)");
        device = new Param<>(this, "device", "auto (the GPU Spark assigned the task, else the CPU), gpu (the task's GPU, an "
                + "error without one) or cpu", ParamValidators.inArray(new String[]{"auto", "gpu", "cpu"}));
        maxBatch = new IntParam(this, "maxBatch", "the most images run at once by one network", ParamValidators.gtEq(1));
        resize = new IntParam(this, "resize", "the shorter side after resizing", ParamValidators.gtEq(1));
        crop = new IntParam(this, "crop", "the center crop, the network's input size", ParamValidators.gtEq(1));
        setDefault(inputCol, "content");
        setDefault(top, 5);
        setDefault(output, Output.PREDICTIONS.label());
        setDefault(statusCol, "status");
        setDefault(errorCol, "error");
        setDefault(device, "auto");
        setDefault(maxBatch, 32);
        setDefault(resize, 256);
        setDefault(crop, 224);
    }

    /** Reads a saved transformer (as {@code Pipeline} loading does, by reflection). */
    public static MLReader<ResNetTransformer> read() {
        return new DefaultParamsReadable<ResNetTransformer>() { }.read();
    }

    public static ResNetTransformer load(String path) {
        return read().load(path);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params, as Spark finds them (public methods returning a Param) ----

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> architecture() {
        return architecture;
    }

    public Param<String> description() {
        return description;
    }

    public Param<String> weights() {
        return weights;
    }

    public Param<String> labels() {
        return labels;
    }

    public IntParam top() {
        return top;
    }

    public Param<String> output() {
        return output;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> statusCol() {
        return statusCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public Param<String> device() {
        return device;
    }

    public IntParam maxBatch() {
        return maxBatch;
    }

    public IntParam resize() {
        return resize;
    }

    public IntParam crop() {
        return crop;
    }

    // ---- setters and getters ----

    public ResNetTransformer setInputCol(String column) {
        set(inputCol, column);
        return this;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** A torchvision architecture (resnet18, resnet50, resnext50_32x4d, wide_resnet50_2, ...). */
    public ResNetTransformer setArchitecture(String name) {
        set(architecture, name);
        return this;
    }

    /** A model description file (JSON), or the name of one shipped with jresnet, instead of an architecture. */
    public ResNetTransformer setDescription(String fileOrName) {
        set(description, fileOrName);
        return this;
    }

    /** The weights: a path on every machine (a shared file system), or the name of a file shipped with the job. */
    public ResNetTransformer setWeights(String file) {
        set(weights, file);
        return this;
    }

    /** Class names, one per line (found as the weights are). */
    public ResNetTransformer setLabels(String file) {
        set(labels, file);
        return this;
    }

    public ResNetTransformer setTop(int k) {
        set(top, k);
        return this;
    }

    public int getTop() {
        return (Integer) getOrDefault(top);
    }

    /** "predictions" (default), "features" or "logits". */
    public ResNetTransformer setOutput(String what) {
        set(output, what);
        return this;
    }

    public String getOutput() {
        return getOrDefault(output);
    }

    public ResNetTransformer setOutputCol(String column) {
        set(outputCol, column);
        return this;
    }

    /** The output's column: as set, else the output's name ("predictions", "features", "logits"). */
    public String getOutputCol() {
        return isDefined(outputCol) ? getOrDefault(outputCol) : getOutput();
    }

    public ResNetTransformer setStatusCol(String column) {
        set(statusCol, column);
        return this;
    }

    public String getStatusCol() {
        return getOrDefault(statusCol);
    }

    public ResNetTransformer setErrorCol(String column) {
        set(errorCol, column);
        return this;
    }

    public String getErrorCol() {
        return getOrDefault(errorCol);
    }

    /** "auto" (default: the GPU Spark assigned the task, else the CPU), "gpu" or "cpu". */
    public ResNetTransformer setDevice(String where) {
        set(device, where);
        return this;
    }

    public String getDevice() {
        return getOrDefault(device);
    }

    public ResNetTransformer setMaxBatch(int n) {
        set(maxBatch, n);
        return this;
    }

    public int getMaxBatch() {
        return (Integer) getOrDefault(maxBatch);
    }

    /** The preprocessing's sizes (default 256 and 224: torchvision's ImageNet evaluation transform). */
    public ResNetTransformer setImageSize(int resizeTo, int cropTo) {
        set(resize, resizeTo);
        set(crop, cropTo);
        return this;
    }

    // ---- the transformer ----

    @Override
    public StructType transformSchema(StructType schema) {
        ImageColumn.of(schema, getInputCol());
        if (isDefined(architecture) == isDefined(description)) {
            throw new InvalidOptionException("give the model with exactly one of setArchitecture and setDescription");
        }
        if (!isDefined(weights)) {
            throw new InvalidOptionException("no weights: give a file with setWeights");
        }
        List<String> added = List.of(getOutputCol(), getStatusCol(), getErrorCol());
        for (String column : added) {
            if (Arrays.asList(schema.fieldNames()).contains(column) || added.indexOf(column) != added.lastIndexOf(column)) {
                throw new IllegalArgumentException("the output column '" + column + "' is already there: name the output, status "
                        + "and error columns apart from the input's columns and from each other");
            }
        }
        return schema.add(getOutputCol(), Output.named(getOutput()).type(), true)
                .add(getStatusCol(), DataTypes.StringType, false)
                .add(getErrorCol(), DataTypes.StringType, true);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        ModelSpec spec = new ModelSpec(isDefined(architecture) ? getOrDefault(architecture) : null,
                isDefined(description) ? getOrDefault(description) : null, getOrDefault(weights),
                isDefined(labels) ? getOrDefault(labels) : null, getTop(), getMaxBatch(), (Integer) getOrDefault(resize),
                (Integer) getOrDefault(crop));
        PartitionInference inference = new PartitionInference(spec, ImageColumn.of(dataset.schema(), getInputCol()),
                Output.named(getOutput()), getDevice());
        return dataset.toDF().mapPartitions(inference, Encoders.row(out));
    }

    @Override
    public ResNetTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
