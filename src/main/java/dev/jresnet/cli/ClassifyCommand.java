package dev.jresnet.cli;

import dev.jresnet.Network;
import dev.jresnet.gpu.GpuResNet;
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
import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify image files (JPEG, PNG; directories are walked) with torchvision's ImageNet "
                + "evaluation transform, printing the top-k classes. Unreadable files are listed at the end, with why."})
final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors or torch .pth.")
    Path weights;

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

    @Option(names = "--resize", defaultValue = "256", description = "Shorter side after resizing (default: 256).")
    int resize;

    @Option(names = "--crop", defaultValue = "224", description = "Center crop (default: 224).")
    int crop;

    @Option(names = "--mean", split = ",", description = "Normalization mean (default: 0.485,0.456,0.406).")
    float[] mean;

    @Option(names = "--std", split = ",", description = "Normalization std (default: 0.229,0.224,0.225).")
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
        StateDict state = WeightsFiles.read(weights);
        WeightsValidator.check(config.graph(), state, weights.toString());
        if (features) {
            config = new FeaturesConfig(config);
            state = state.selectFor(config.graph());
        }
        Preprocessing pre = new Preprocessing(resize, crop, mean != null ? mean : Preprocessing.IMAGENET.mean(),
                std != null ? std : Preprocessing.IMAGENET.std());
        Labels names = labels != null ? Labels.read(labels) : Labels.imagenet();
        List<Path> files = ImageFiles.collect(inputs);
        int threads = decodeThreads != null ? decodeThreads : Math.min(4, Runtime.getRuntime().availableProcessors());
        PrintStream out = System.out;
        ClassificationWriter writer = new ClassificationWriter(format, out, names, top, features);
        List<Tensor> results = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        int row = 0;
        long start = System.nanoTime();
        try (Network net = device.open(config, state, weights.toString(), batch, crop, crop);
             ImageBatches images = new ImageBatches(files, pre, new ImageDecoder(), threads, 2 * batch);
             ProgressBar bar = progressBar(files.size())) {
            writer.header();
            for (List<ImageBatches.Item> items = images.next(batch); !items.isEmpty(); items = images.next(batch)) {
                List<ImageBatches.Item> ok = items.stream().filter(ImageBatches.Item::ok).toList();
                items.stream().filter(i -> !i.ok()).forEach(i -> unreadable.add(i.path() + ": " + i.error()));
                if (!ok.isEmpty()) {
                    Tensor logits = run(net, ok, pre);
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

    /**
     * A GPU network takes the 8-bit images as they are and normalizes them on the device (a quarter of the bytes of
     * float32 to copy); any other gets them normalized here.
     */
    private static Tensor run(Network net, List<ImageBatches.Item> items, Preprocessing pre) {
        int size = 3 * pre.crop() * pre.crop();
        if (net instanceof GpuResNet gpu) {
            byte[] rgb = new byte[items.size() * size];
            for (int i = 0; i < items.size(); i++) {
                System.arraycopy(items.get(i).image().rgb(), 0, rgb, i * size, size);
            }
            return gpu.forwardImages(rgb, items.size(), pre.mean(), pre.std());
        }
        Tensor batch = Tensor.zeros(items.size(), 3, pre.crop(), pre.crop());
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(pre.normalize(items.get(i).image()).data(), 0, batch.data(), i * size, size);
        }
        return net.forward(batch);
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
