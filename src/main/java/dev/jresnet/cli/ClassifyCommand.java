package dev.jresnet.cli;

import dev.jresnet.ImageOutput;
import dev.jresnet.InputException;
import dev.jresnet.InvalidOptionException;
import dev.jresnet.ResNetModel;
import dev.jresnet.image.ImageFiles;
import dev.jresnet.image.Labels;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.pretrained.PretrainedEntry;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify image files (JPEG, PNG, BMP, GIF, WebP, TIFF; directories are walked) with the evaluation "
                + "transform of pretrained weights (else torchvision's classic ImageNet one), printing the top-k classes "
                + "of each. Files that cannot be read are listed in the output with their reason (status failed) and "
                + "make the exit code 1."})
final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--weights", required = true, paramLabel = "FILE_OR_NAME", description = "safetensors or torch .pth, "
            + "or a pretrained name such as resnet50.IMAGENET1K_V2 (jresnet weights list), whose transform is then used.")
    String weights;

    @Mixin
    PretrainedOptions pretrained;

    @Parameters(arity = "1..*", paramLabel = "IMAGES_OR_DIRS")
    List<Path> inputs;

    @Option(names = "--batch", defaultValue = "16", description = "Images per forward pass (default: 16).")
    int batch;

    @Option(names = "--top", defaultValue = "5", description = "Classes shown per image (default: 5).")
    int top;

    @Option(names = "--format", defaultValue = "table", description = "table (default), csv or jsonl.")
    ClassificationWriter.Format format;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (default: ImageNet's).")
    Path labels;

    @Option(names = "--features", description = "Write the pooled features (N, 512 or 2048) to --output instead of "
            + "classifying.")
    boolean features;

    @Option(names = "--output", paramLabel = "FILE.npy", description = "Also write the logits (or, with --features, the "
            + "features) of the readable images, in order, as .npy.")
    Path output;

    @Option(names = "--resize", description = "Shorter side after resizing (default: the pretrained weights' own, "
            + "else 256).")
    Integer resize;

    @Option(names = "--crop", description = "Center crop (default: the pretrained weights' own, else 224).")
    Integer crop;

    @Option(names = "--mean", split = ",", description = "Normalization mean (default: the pretrained weights' own, else "
            + "0.485,0.456,0.406).")
    float[] mean;

    @Option(names = "--std", split = ",", description = "Normalization std (default: the pretrained weights' own, else "
            + "0.229,0.224,0.225).")
    float[] std;

    @Option(names = "--decode-threads", description = "Threads decoding images ahead of the network (default: cores, at "
            + "most 4).")
    Integer decodeThreads;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        // Every option first, then the images, then the weights (which may be downloaded): the cheap refusals first.
        Options.atLeast("--batch", batch, 1);
        Options.atLeast("--top", top, 1);
        if (resize != null) {
            Options.atLeast("--resize", resize, 1);
        }
        if (crop != null) {
            Options.atLeast("--crop", crop, 1);
        }
        if (decodeThreads != null) {
            Options.atLeast("--decode-threads", decodeThreads, 1);
        }
        device.check();
        if (features && output == null) {
            throw new InvalidOptionException("--features writes to --output FILE.npy; give one");
        }
        if (output != null) {
            Options.writable("--output", output);
        }
        List<Path> files = ImageFiles.collect(inputs);
        if (files.isEmpty()) {
            throw new InputException("no images in " + inputs + " (classify reads .jpg, .jpeg, .png, .bmp, .gif, .webp, "
                    + ".tif and .tiff files)");
        }
        ModelConfig config = model.config();
        Path file = Options.readable("--weights", pretrained.resolve(weights, config));
        Optional<PretrainedEntry> entry = pretrained.entryFor(weights);
        TransformChoice transform = TransformChoice.choose(entry, resize, crop, mean, std);
        ResNetModel.Builder builder = ResNetModel.builder().config(config).weights(file)
                .preprocessing(transform.preprocessing()).top(top);
        if (labels != null) {
            builder.labels(Labels.read(Options.readable("--labels", labels)));
        } else {
            entry.map(PretrainedEntry::labels).ifPresent(builder::labels);
        }
        if (decodeThreads != null) {
            builder.decodeThreads(decodeThreads);
        }
        device.configure(builder).maxBatch(Math.min(batch, device.maxBatch));
        ClassificationWriter writer = new ClassificationWriter(format, System.out);
        List<float[]> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        long start = System.nanoTime();
        try (ResNetModel net = builder.build(); ProgressBar bar = progressBar(files.size())) {
            System.err.println(net.config().name() + " on " + net.deviceChoice());
            System.err.println(transform.description());
            writer.header(features);
            Consumer<ImageOutput> each = o -> {
                if (!o.ok()) {
                    failed.add(o.source() + ": " + o.failure());
                } else if (output != null) {
                    rows.add(o.values());
                }
                if (features) {
                    writer.features(o, o.ok() ? rows.size() - 1 : -1);
                } else {
                    writer.classification(net.classification(o));
                }
                if (bar != null) {
                    bar.step();
                }
            };
            if (features) {
                net.features(files, each);
            } else {
                net.logits(files, each);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (output != null) {
            Npy.write(output, stack(rows));
        }
        int done = files.size() - failed.size();
        System.err.printf(Locale.ROOT, "%d of %d images classified in %.1f s (%.1f images/s)%s%n", done, files.size(), seconds,
                done / seconds, output != null ? ", " + (features ? "features" : "logits") + " written to " + output : "");
        if (!failed.isEmpty()) {
            System.err.println(failed.size() + " files could not be read:");
            failed.forEach(f -> System.err.println("  " + f));
            return 1;
        }
        return 0;
    }

    /** A bar on stderr, only when a person is watching a terminal (none when output is piped). */
    private static ProgressBar progressBar(int total) {
        if (System.console() == null) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("classify").setInitialMax(total).setUnit(" images", 1).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    private static Tensor stack(List<float[]> rows) {
        int width = rows.isEmpty() ? 0 : rows.get(0).length;
        Tensor all = Tensor.zeros(rows.size(), width);
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, all.data(), i * width, width);
        }
        return all;
    }
}
