package dev.jresnet.spark;

import dev.jresnet.Device;
import dev.jresnet.InvalidOptionException;
import dev.jresnet.ResNetModel;
import dev.jresnet.image.Labels;
import dev.jresnet.image.Preprocessing;
import org.apache.spark.SparkFiles;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an executor needs to make the transformer's network: the model, its weights, and how images become its input.
 * It travels to the executors with the job (it is small: names, paths and numbers, never the weights), and it is the
 * key under which an executor keeps its one network per model and device ({@link ExecutorModels}).
 *
 * <p>Files (weights, labels, a model description) are read on the executor: from the path given when every machine
 * has it there (a shared file system), else from the files shipped with the job ({@code spark-submit --files}, or
 * {@code SparkContext.addFile}), found by their file name.
 *
 * @param architecture a torchvision architecture, or null when {@code description} is given
 * @param description  a model description file, or the name of one shipped with jresnet; null with an architecture
 * @param weights      the weights file (safetensors or torch .pth)
 * @param labels       a file of class names, one per line; null for ImageNet's (or "class N")
 */
record ModelSpec(String architecture, String description, String weights, String labels, int top, int maxBatch,
                 int resize, int crop) implements Serializable {
    /** Reads the weights and makes the network on {@code device}; the caller owns (and closes) it. */
    ResNetModel build(Device device) throws IOException {
        ResNetModel.Builder builder = ResNetModel.builder();
        if (architecture != null) {
            builder.architecture(architecture);
        } else {
            builder.description(find(description).map(Path::toString).orElse(description));
        }
        builder.weights(find(weights).orElseThrow(() -> missing("weights", weights)));
        if (labels != null) {
            builder.labels(Labels.read(find(labels).orElseThrow(() -> missing("labels", labels))));
        }
        return builder.device(device).top(top).maxBatch(maxBatch).preprocessing(Preprocessing.IMAGENET.withSizes(resize, crop))
                .build();
    }

    /** The file at {@code path} on this machine, else the one of that name shipped with the job. */
    private static Optional<Path> find(String path) {
        Path local = Path.of(path);
        if (Files.isRegularFile(local)) {
            return Optional.of(local);
        }
        Path shipped = Path.of(SparkFiles.get(local.getFileName().toString()));
        return Files.isRegularFile(shipped) ? Optional.of(shipped) : Optional.empty();
    }

    private static InvalidOptionException missing(String what, String path) {
        return new InvalidOptionException("the " + what + " file " + path + " is neither on this machine nor among the files "
                + "shipped with the job (spark-submit --files, SparkContext.addFile)");
    }
}
