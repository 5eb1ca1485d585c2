package dev.jresnet.cli;

import dev.jresnet.Network;
import dev.jresnet.image.ImageBatches;
import dev.jresnet.image.ImageDecoder;
import dev.jresnet.image.ImageFiles;
import dev.jresnet.image.Labels;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.FeaturesConfig;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsFiles;
import dev.jresnet.weights.WeightsValidator;
import dev.jresnet.weights.pretrained.PretrainedEntry;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify image files (JPEG, PNG, BMP, GIF, WebP, TIFF; directories are walked) with the evaluation "
                + "transform of pretrained weights (else torchvision's classic ImageNet one), printing the top-k classes. "
                + "Unreadable files are listed at the end, with why."})
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

    @Option(names = "--decode-threads", description = "Threads decoding images ahead of the network (default: cores, at most 4).")
    Integer decodeThreads;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        if (features && output == null) {
            throw new IllegalArgumentException("--features writes to --output FILE.npy; give one");
        }
        ModelConfig config = model.config();
        Path file = pretrained.resolve(weights, config);
        StateDict state = WeightsFiles.read(file);
        WeightsValidator.check(config.graph(), state, file.toString());
        if (features) {
            config = new FeaturesConfig(config);
            state = state.selectFor(config.graph());
        }
        Optional<PretrainedEntry> entry = pretrained.entryFor(weights);
        TransformChoice transform = TransformChoice.choose(entry, resize, crop, mean, std);
        System.err.println(transform.description());
        Preprocessing pre = transform.preprocessing();
        Labels names = labels != null ? Labels.read(labels) : entry.map(PretrainedEntry::labels).orElseGet(Labels::imagenet);
        List<Path> files = ImageFiles.collect(inputs);
        int threads = decodeThreads != null ? decodeThreads : Math.min(4, Runtime.getRuntime().availableProcessors());
        PrintStream out = System.out;
        ClassificationWriter writer = new ClassificationWriter(format, out, names, top, features);
        List<Tensor> results = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        int row = 0;
        long start = System.nanoTime();
        try (Network net = device.open(config, state, file.toString(), batch, pre.crop(), pre.crop());
             ImageBatches images = new ImageBatches(files, pre, new ImageDecoder(), threads, 2 * batch);
             ProgressBar bar = progressBar(files.size())) {
            writer.header();
            for (List<ImageBatches.Item> items = images.next(batch); !items.isEmpty(); items = images.next(batch)) {
                List<ImageBatches.Item> ok = items.stream().filter(ImageBatches.Item::ok).toList();
                items.stream().filter(i -> !i.ok()).forEach(i -> unreadable.add(i.path() + ": " + i.error()));
                if (!ok.isEmpty()) {
                    Tensor logits = net.forward(stack(ok, pre.crop()));
                    writer.write(ok, logits, row);
                    results.add(logits);
                    row += ok.size();
                }
                if (bar != null) {
                    bar.stepBy(items.size());
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (output != null) {
            Npy.write(output, concatenate(results));
        }
        int done = files.size() - unreadable.size();
        System.err.printf("%d images classified in %.1f s (%.1f images/s)%s%n", done, seconds, done / seconds,
                output != null ? ", " + (features ? "features" : "logits") + " written to " + output : "");
        if (!unreadable.isEmpty()) {
            System.err.println(unreadable.size() + " files could not be read:");
            unreadable.forEach(u -> System.err.println("  " + u));
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

    private static Tensor stack(List<ImageBatches.Item> items, int crop) {
        Tensor batch = Tensor.zeros(items.size(), 3, crop, crop);
        int size = 3 * crop * crop;
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(items.get(i).input().data(), 0, batch.data(), i * size, size);
        }
        return batch;
    }

    private static Tensor concatenate(List<Tensor> parts) {
        int rows = parts.stream().mapToInt(t -> t.dim(0)).sum();
        int width = parts.isEmpty() ? 0 : parts.get(0).dim(1);
        Tensor all = Tensor.zeros(rows, width);
        int at = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data(), 0, all.data(), at, t.size());
            at += t.size();
        }
        return all;
    }
}
