package dev.jresnet.spark;

import dev.jresnet.image.ImageFiles;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.to_json;

/**
 * A Spark application: classifies the images under a folder (local, HDFS, S3, ...; walked recursively for JPEG, PNG,
 * BMP and GIF files) with {@link ResNetTransformer} and writes one row per image as Parquet ({@code OUT/parquet}: path,
 * status, error, predictions) and as one CSV file ({@code OUT/csv}: path, status, error, the best label and its
 * probability, the top-k as JSON). Run it with spark-submit, or with java and -Dspark.master=local[N] (as
 * scripts/spark-classify.sh does).
 */
@Command(name = "dev.jresnet.spark.ClassifyJob", mixinStandardHelpOptions = true,
        description = {"Classify the images under IMAGES on Spark and write OUT/parquet and OUT/csv (both replaced). Images "
                + "that cannot be read are rows with status failed and the reason in error; the exit code is 0 when the job "
                + "completes."})
public final class ClassifyJob implements Callable<Integer> {
    /** --arch or --config. */
    static final class Model {
        @Option(names = "--arch", paramLabel = "NAME", description = "A torchvision architecture: resnet18, resnet50, ...")
        String arch;

        @Option(names = "--config", paramLabel = "MODEL.json", description = "A model description file, or the name of one "
                + "shipped with jresnet.")
        String config;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Model model;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors or torch .pth: a path on "
            + "every machine, or the name of a file shipped with spark-submit --files.")
    String weights;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (default: ImageNet's).")
    String labels;

    @Option(names = "--top", defaultValue = "5", description = "Classes per image (default: 5).")
    int top;

    @Option(names = "--device", defaultValue = "auto", description = "auto (default: the GPU Spark assigned each task, else "
            + "the CPU), gpu or cpu.")
    String device;

    @Option(names = "--max-batch", defaultValue = "32", description = "Images per forward pass of one network (default: 32).")
    int maxBatch;

    @Parameters(index = "0", paramLabel = "IMAGES", description = "The folder of images (any Hadoop file system URI).")
    String images;

    @Parameters(index = "1", paramLabel = "OUT", description = "Where OUT/parquet and OUT/csv are written.")
    String out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClassifyJob()).execute(args));
    }

    @Override
    public Integer call() {
        SparkSession spark = SparkSession.builder().appName("jresnet classify").getOrCreate();
        try {
            return run(spark);
        } catch (Exception e) { // Spark's AnalysisException is checked, but Scala does not declare it
            if (!(e instanceof IllegalArgumentException) && !(e instanceof AnalysisException)) {
                throw e;
            }
            // An option, a file or a folder the user can fix (InputException is one): one line, as classify says it.
            System.err.println("error: " + e.getMessage());
            return 1;
        } finally {
            spark.stop();
        }
    }

    /** Runs the job on {@code spark} and prints what it did. */
    int run(SparkSession spark) {
        ResNetTransformer classifier = new ResNetTransformer().setWeights(weights).setTop(top).setDevice(device)
                .setMaxBatch(maxBatch);
        if (model.arch != null) {
            classifier.setArchitecture(model.arch);
        } else {
            classifier.setDescription(model.config);
        }
        if (labels != null) {
            classifier.setLabels(labels);
        }
        long start = System.nanoTime();
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", imageGlob()).load(images);
        classifier.transform(files).select("path", "status", "error", "predictions")
                .write().mode(SaveMode.Overwrite).parquet(out + "/parquet");
        long classified = System.nanoTime();
        // The CSV is made from the Parquet, so the network runs once, with all the job's parallelism.
        Dataset<Row> results = spark.read().parquet(out + "/parquet");
        results.select(col("path"), col("status"), col("error"),
                        element_at(col("predictions"), 1).getField("label").as("label"),
                        element_at(col("predictions"), 1).getField("probability").as("probability"),
                        to_json(col("predictions")).as("top"))
                .coalesce(1).write().mode(SaveMode.Overwrite).option("header", "true").option("escape", "\"")
                .csv(out + "/csv"); // quotes doubled inside quoted fields, as RFC 4180 readers expect
        double parquetSeconds = (classified - start) / 1e9;
        double csvSeconds = (System.nanoTime() - classified) / 1e9;
        long total = results.count();
        long failed = results.filter(col("status").equalTo(PartitionInference.FAILED)).count();
        System.out.printf(Locale.ROOT, "%d images (%d failed): classified and written as Parquet in %.1f s (%.1f images/s), as CSV "
                + "in %.1f s more; see %s/parquet and %s/csv%n", total, failed, parquetSeconds, total / parquetSeconds, csvSeconds, out,
                out);
        return 0;
    }

    /** The image extensions jresnet reads, in any case, as a Hadoop glob: *.{[jJ][pP][gG],...}. */
    static String imageGlob() {
        return ImageFiles.extensions().stream().sorted().map(ClassifyJob::anyCase)
                .collect(Collectors.joining(",", "*.{", "}"));
    }

    private static String anyCase(String extension) {
        StringBuilder glob = new StringBuilder();
        for (char c : extension.toCharArray()) {
            glob.append('[').append(Character.toLowerCase(c)).append(Character.toUpperCase(c)).append(']');
        }
        return glob.toString();
    }
}
