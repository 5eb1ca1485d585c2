package dev.jresnet;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.Gpu;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet;
import dev.jresnet.image.ImageBatches;
import dev.jresnet.image.ImageDecoder;
import dev.jresnet.image.ImageSource;
import dev.jresnet.image.Labels;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.image.RgbImage;
import dev.jresnet.image.UnreadableImageException;
import dev.jresnet.internal.DynamicBatcher;
import dev.jresnet.internal.NetworkInput;
import dev.jresnet.model.FeaturesConfig;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.Precision;
import dev.jresnet.plan.Schedule;
import dev.jresnet.tensor.Softmax;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.tensor.TopK;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsFiles;
import dev.jresnet.weights.WeightsValidator;
import dev.jresnet.weights.pretrained.PretrainedEntry;
import dev.jresnet.weights.pretrained.PretrainedWeights;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * jresnet's entry point: a network of the ResNet family with its weights, on a device, ready to classify images
 * (files, bytes, streams or decoded images; labelled top-k with probabilities, or the reason an image failed), to
 * compute pooled features, or to run preprocessed batches.
 *
 * <pre>{@code
 * try (ResNetModel model = ResNetModel.builder()
 *         .architecture("resnet50")
 *         .weights(Path.of("resnet50.safetensors"))
 *         .device("auto")
 *         .build()) {
 *     for (Classification c : model.classify(List.of(Path.of("cat.jpg"), Path.of("dog.png")))) {
 *         System.out.println(c.source() + ": " + (c.ok() ? c.best().orElseThrow().label() : c.failure()));
 *     }
 * }
 * }</pre>
 *
 * Thread-safe: concurrent callers are batched together (up to the max batch, waiting at most the batch wait for
 * others to join), and sequences of images are decoded on a few threads ahead of the network. {@link #close()} frees
 * the network (device memory included).
 */
public final class ResNetModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ResNetModel.class.getName());

    /** How a model is made; every setting has a default but the architecture and the weights. */
    public static final class Builder {
        private ModelConfig config;
        private StateDict weights;
        private String weightsSource;
        private Path weightsFile;
        private Device device = Device.AUTO;
        private Precision precision = Precision.FP32;
        private int maxBatch = 32;
        private Preprocessing preprocessing;
        private Labels labels;
        private PretrainedWeights pretrainedSource;
        private PretrainedEntry pretrained;
        private int top = 5;
        private Duration batchWait = Duration.ofMillis(2);
        private int decodeThreads = Math.min(4, Runtime.getRuntime().availableProcessors());
        private int inputHeight;
        private int inputWidth;
        private Schedule schedule = Schedule.FUSED;
        private boolean cudaGraphs = true;

        private Builder() {
        }

        /** A torchvision architecture: resnet18, resnet50, resnext50_32x4d, wide_resnet50_2, ... */
        public Builder architecture(String name) {
            this.config = ResNetConfig.named(name);
            return this;
        }

        /** A model description file (JSON), or the name of one shipped with jresnet. */
        public Builder description(String fileOrName) throws IOException {
            this.config = ModelDescription.resolve(fileOrName);
            return this;
        }

        public Builder config(ModelConfig modelConfig) {
            this.config = Objects.requireNonNull(modelConfig, "config");
            return this;
        }

        /** A safetensors or torch .pth file keyed like torchvision's state_dict (read when the model is built). */
        public Builder weights(Path file) {
            this.weightsFile = Objects.requireNonNull(file, "weights file");
            this.weights = null;
            this.pretrained = null;
            return this;
        }

        /** Weights already in memory; {@code source} names them in errors. */
        public Builder weights(StateDict stateDict, String source) {
            this.weights = Objects.requireNonNull(stateDict, "weights");
            this.weightsSource = source;
            this.weightsFile = null;
            this.pretrained = null;
            return this;
        }

        /**
         * torchvision's pretrained weights by name ("resnet50.IMAGENET1K_V2", "resnet18.DEFAULT"), found in the caches
         * or downloaded when the model is built ({@link PretrainedWeights#fromEnvironment()}: TORCH_HOME's and
         * jresnet's caches, JRESNET_OFFLINE, JRESNET_WEIGHTS_MIRROR). Sets the architecture, and the weights'
         * evaluation transform and class names unless {@link #preprocessing} or {@link #labels} set others.
         *
         * @throws InvalidOptionException for a name torchvision does not publish, listing those it does
         */
        public Builder pretrained(String name) {
            return pretrained(PretrainedWeights.fromEnvironment(), name);
        }

        /** {@link #pretrained(String)} with the given caches and download settings. */
        public Builder pretrained(PretrainedWeights source, String name) {
            this.pretrainedSource = Objects.requireNonNull(source, "pretrained weights");
            this.pretrained = source.table().require(name);
            this.config = ResNetConfig.named(pretrained.arch());
            this.weights = null;
            this.weightsFile = null;
            return this;
        }

        /** "cpu", "gpu", "gpu:N" or "auto" (default: a GPU when one is usable, else the CPU; the choice is logged). */
        public Builder device(String name) {
            return device(Device.parse(name));
        }

        public Builder device(Device d) {
            this.device = Objects.requireNonNull(d, "device");
            return this;
        }

        /**
         * Which plan runs: FUSED (default: BatchNorm folded into the convolutions, ReLU and residual fused) or
         * REFERENCE (every BatchNorm and activation its own operation), on either device.
         */
        public Builder schedule(Schedule s) {
            this.schedule = Objects.requireNonNull(s, "schedule");
            return this;
        }

        /** GPU: replay each batch size's forward pass as a CUDA graph (default on; off launches every step). */
        public Builder cudaGraphs(boolean on) {
            this.cudaGraphs = on;
            return this;
        }

        /**
         * FP32 (default), TF32, FP16 or BF16. On the GPU, TF32 and the 16-bit ones run on tensor cores; on the CPU, FP16
         * and BF16 are emulated (16-bit weights and activations, fp32 arithmetic) and TF32 is refused.
         */
        public Builder precision(Precision p) {
            this.precision = Objects.requireNonNull(p, "precision");
            return this;
        }

        /** The most images run at once (default 32): device buffers are sized for it, and callers are batched up to it. */
        public Builder maxBatch(int n) {
            if (n < 1) {
                throw new InvalidOptionException("the max batch must be at least 1, got " + n);
            }
            this.maxBatch = n;
            return this;
        }

        /**
         * How images become the network's input (default: the pretrained weights' own transform, else torchvision's
         * classic ImageNet evaluation transform, 256/224).
         */
        public Builder preprocessing(Preprocessing p) {
            this.preprocessing = Objects.requireNonNull(p, "preprocessing");
            return this;
        }

        /**
         * The input size of {@link #forward} batches, when they are not images of the preprocessing's crop (default:
         * the crop, square). Images can be classified only at the crop size.
         */
        public Builder inputSize(int height, int width) {
            if (height < 1 || width < 1) {
                throw new InvalidOptionException("the input size must be positive, got " + height + "x" + width);
            }
            this.inputHeight = height;
            this.inputWidth = width;
            return this;
        }

        /** Class names (default: ImageNet's for 1000 classes, "class N" otherwise). */
        public Builder labels(Labels l) {
            this.labels = Objects.requireNonNull(l, "labels");
            return this;
        }

        /** Classes reported per image (default 5). */
        public Builder top(int k) {
            if (k < 1) {
                throw new InvalidOptionException("top must be at least 1, got " + k);
            }
            this.top = k;
            return this;
        }

        /** How long a request waits for others to share its batch (default 2 ms; zero runs each call alone). */
        public Builder batchWait(Duration wait) {
            if (wait.isNegative()) {
                throw new InvalidOptionException("the batch wait cannot be negative, got " + wait);
            }
            this.batchWait = wait;
            return this;
        }

        /** Threads decoding images ahead of the network (default: the cores, at most 4). */
        public Builder decodeThreads(int n) {
            if (n < 1) {
                throw new InvalidOptionException("decode threads must be at least 1, got " + n);
            }
            this.decodeThreads = n;
            return this;
        }

        /**
         * Reads the weights, checks them against the architecture and makes the network on its device.
         *
         * @throws IOException    when the weights file cannot be read
         * @throws InputException when the weights do not fit, the device is missing, the max batch does not fit
         */
        public ResNetModel build() throws IOException {
            if (config == null) {
                throw new InvalidOptionException("no architecture: give one with architecture(name), description(file) or config");
            }
            StateDict state = weights;
            String source = weightsSource;
            if (pretrained != null) {
                Path file = pretrainedSource.fetch(pretrained);
                state = WeightsFiles.read(file);
                source = pretrained.name() + " (" + file + ")";
            } else if (state == null) {
                if (weightsFile == null) {
                    throw new InvalidOptionException("no weights: give a file with weights(path), or a name with "
                            + "pretrained(name)");
                }
                state = WeightsFiles.read(weightsFile);
                source = weightsFile.toString();
            }
            WeightsValidator.check(config.graph(), state, source);
            return new ResNetModel(this, state, source);
        }
    }

    private final ModelConfig config;
    private final StateDict weights;
    private final String source;
    private final Device device;
    private final String deviceChoice;
    private final Precision precision;
    private final int maxBatch;
    private final Preprocessing preprocessing;
    private final Labels labels;
    private final int top;
    private final Duration batchWait;
    private final int decodeThreads;
    private final Shape inputShape;
    private final Schedule schedule;
    private final boolean cudaGraphs;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Network network;
    private final DynamicBatcher logits;
    private Network featuresNetwork;
    private DynamicBatcher features;

    private ResNetModel(Builder b, StateDict weights, String source) {
        this.config = b.config;
        this.weights = weights;
        this.source = source;
        this.precision = b.precision;
        this.maxBatch = b.maxBatch;
        this.preprocessing = b.preprocessing != null ? b.preprocessing
                : b.pretrained != null ? b.pretrained.preprocessing() : Preprocessing.IMAGENET;
        this.schedule = b.schedule;
        this.cudaGraphs = b.cudaGraphs;
        this.inputShape = new Shape(config.graph().inputChannels(), b.inputHeight > 0 ? b.inputHeight : preprocessing.crop(),
                b.inputWidth > 0 ? b.inputWidth : preprocessing.crop());
        // Also checks that the input size fits the network, before anything is made.
        int classes = config.graph().shapes(inputShape())[config.graph().output()].channels();
        this.labels = b.labels != null ? b.labels : b.pretrained != null ? b.pretrained.labels()
                : classes == 1000 ? Labels.imagenet() : Labels.none();
        this.top = b.top;
        this.batchWait = b.batchWait;
        this.decodeThreads = b.decodeThreads;
        if (b.device.kind() == Device.Kind.AUTO) {
            Gpu.Status gpu = Gpu.probe();
            this.device = gpu.available() ? Device.gpu(0) : Device.CPU;
            this.deviceChoice = gpu.available() ? "auto: GPU 0, " + gpu.info().orElseThrow().describe()
                    : "auto: the CPU, as there is no usable GPU (" + gpu.reason() + ")";
        } else {
            this.device = b.device;
            this.deviceChoice = device.kind() == Device.Kind.CPU ? "the CPU" : "GPU " + device.index();
        }
        LOG.log(System.Logger.Level.INFO, () -> "jresnet: " + config.name() + " on " + deviceChoice);
        this.network = open(config, weights);
        this.logits = new DynamicBatcher(batch -> run(network, batch), maxBatch, batchWait, config.name());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One batch on a network. 8-bit images go to a GPU network as they are and are normalized there, a quarter of
     * the bytes of float32 to copy; the CPU's are normalized here. Either way as torchvision's ToTensor and Normalize.
     */
    private Tensor run(Network net, NetworkInput batch) {
        if (batch instanceof NetworkInput.Images images) {
            if (net instanceof GpuResNet gpu) {
                return gpu.forwardImages(images.rgb(), images.samples(), preprocessing.mean(), preprocessing.std());
            }
            return net.forward(preprocessing.normalize(images.rgb(), images.samples(), images.height(), images.width()));
        }
        return net.forward(((NetworkInput.Floats) batch).batch());
    }

    private Network open(ModelConfig c, StateDict w) {
        if (device.kind() == Device.Kind.GPU) {
            return GpuResNet.create(c, w, source, GpuOptions.defaults().withDevice(device.index()).withMaxBatch(maxBatch)
                    .withInputSize(inputShape.height(), inputShape.width()).withSchedule(schedule).withCudaGraphs(cudaGraphs)
                    .withPrecision(precision));
        }
        return CpuResNet.create(c, w, source, schedule.plannerOptions().withPrecision(precision), CpuOptions.fast());
    }

    // ---- classification ----

    /** One image file. */
    public Classification classify(Path image) {
        return classify(ImageSource.file(image));
    }

    /** An encoded image in memory (JPEG, PNG, ...); {@code name} says which in results and errors. */
    public Classification classify(byte[] encoded, String name) {
        return classify(ImageSource.encoded(encoded, name));
    }

    /** An encoded image read from a stream (read to its end, not closed); {@code name} says which. */
    public Classification classify(InputStream encoded, String name) {
        byte[] bytes;
        try {
            bytes = encoded.readAllBytes();
        } catch (IOException e) {
            return Classification.failed(name, "cannot be read: " + e.getMessage());
        }
        return classify(bytes, name);
    }

    /** An image the caller decoded (its orientation is taken as it is). */
    public Classification classify(BufferedImage image, String name) {
        return classify(ImageSource.decoded(image, name));
    }

    /** One image from any source, decoded on the caller's thread. */
    public Classification classify(ImageSource image) {
        requireImageSizedInput();
        NetworkInput input;
        try {
            RgbImage crop = preprocessing.crop(image.decode(decoder));
            input = new NetworkInput.Images(crop.rgb(), 1, crop.height(), crop.width());
        } catch (UnreadableImageException e) {
            return Classification.failed(image.name(), e.reason());
        } catch (OutOfMemoryError e) {
            return Classification.failed(image.name(), "too large to decode in this heap");
        }
        return classification(image.name(), logits.forward(input));
    }

    /**
     * Image files, in order: decoded a few at a time ahead of the network and run in batches. A file that cannot be
     * read is a failed {@link Classification}; the others are classified.
     */
    public List<Classification> classify(List<Path> images) {
        List<Classification> results = new ArrayList<>(images.size());
        classify(images, results::add);
        return results;
    }

    /** As {@link #classify(List)}, handing each result over in order as soon as it is there (for long lists). */
    public void classify(List<Path> images, Consumer<Classification> each) {
        logits(images, output -> each.accept(classification(output)));
    }

    /** The top classes of logits this model computed ({@link #logits}), or the image's failure. */
    public Classification classification(ImageOutput logits) {
        if (!logits.ok()) {
            return Classification.failed(logits.source(), logits.failure());
        }
        return classification(logits.source(), new Tensor(new int[]{1, logits.values().length}, logits.values()));
    }

    /** Each image file's logits, in order, as {@link #classify(List, Consumer)} runs them. */
    public void logits(List<Path> images, Consumer<ImageOutput> each) {
        try (ImageOutputs outputs = logits(files(images))) {
            outputs.forEachRemaining(each);
        }
    }

    /**
     * The logits of images from any source (files, bytes in memory, ...), one output per image in input order, made
     * as the caller iterates ({@link ImageOutputs}: decoded ahead, run in batches); {@link #classification} turns one
     * into its top classes. Close it when stopping early.
     */
    public ImageOutputs logits(Iterator<? extends ImageSource> images) {
        return outputs(images, logits);
    }

    // ---- features ----

    /** The pooled features of each image file, in order. */
    public List<ImageOutput> features(List<Path> images) {
        List<ImageOutput> results = new ArrayList<>(images.size());
        features(images, results::add);
        return results;
    }

    /** The pooled features of one image file. */
    public ImageOutput features(Path image) {
        return features(List.of(image)).get(0);
    }

    /** As {@link #features(List)}, handing each over in order as soon as it is there. */
    public void features(List<Path> images, Consumer<ImageOutput> each) {
        try (ImageOutputs outputs = features(files(images))) {
            outputs.forEachRemaining(each);
        }
    }

    /** As {@link #logits(Iterator)}, for the pooled features. */
    public ImageOutputs features(Iterator<? extends ImageSource> images) {
        return outputs(images, featuresBatcher());
    }

    private synchronized DynamicBatcher featuresBatcher() {
        if (features == null) {
            FeaturesConfig fc = new FeaturesConfig(config);
            featuresNetwork = open(fc, weights.selectFor(fc.graph()));
            Network net = featuresNetwork;
            features = new DynamicBatcher(batch -> run(net, batch), maxBatch, batchWait, fc.name());
        }
        return features;
    }

    // ---- tensors ----

    /**
     * Preprocessed inputs (N, C, H, W) at the model's input size to logits (N, classes). Concurrent calls share
     * batches.
     */
    public Tensor forward(Tensor batch) {
        Shape in = inputShape();
        int[] s = batch.shape();
        if (s.length != 4 || s[0] < 1 || s[1] != in.channels() || s[2] != in.height() || s[3] != in.width()) {
            throw new InputException("input of shape " + batch.shapeString() + " does not match " + config.name()
                    + "'s input (N, " + in.channels() + ", " + in.height() + ", " + in.width() + ")");
        }
        return logits.forward(new NetworkInput.Floats(batch));
    }

    /** (C, H, W) of one input: the model's input channels at the preprocessing's crop, or the input size given. */
    public Shape inputShape() {
        return inputShape;
    }

    // ---- what it is ----

    public ModelConfig config() {
        return config;
    }

    /** Where the model runs (auto resolved). */
    public Device device() {
        return device;
    }

    /** The device and, for auto, why it was chosen. */
    public String deviceChoice() {
        return deviceChoice;
    }

    public Precision precision() {
        return precision;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public Labels labels() {
        return labels;
    }

    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public synchronized void close() {
        logits.close();
        network.close();
        if (features != null) {
            features.close();
            featuresNetwork.close();
        }
    }

    // ---- internals ----

    private void requireImageSizedInput() {
        int crop = preprocessing.crop();
        if (inputShape.height() != crop || inputShape.width() != crop) {
            throw new InvalidOptionException("images are preprocessed to " + crop + "x" + crop + ", but this model was built "
                    + "for " + inputShape.height() + "x" + inputShape.width() + " inputs (inputSize): build it without one");
        }
    }

    /** The top classes of a (1, classes) output row, with their softmax probabilities and labels. */
    private Classification classification(String name, Tensor output) {
        float[] p = Softmax.row(output, 0);
        List<Prediction> best = new ArrayList<>();
        for (TopK.Entry e : TopK.of(new Tensor(new int[]{1, p.length}, p), 0, top)) {
            best.add(new Prediction(e.index(), labels.name(e.index()), e.value()));
        }
        return new Classification(name, best, null);
    }

    private static Iterator<ImageSource> files(List<Path> images) {
        return images.stream().map(ImageSource::file).iterator();
    }

    /** Decoding ahead on the model's decode threads, for at most two batches' worth of images. */
    private ImageOutputs outputs(Iterator<? extends ImageSource> images, DynamicBatcher batcher) {
        requireImageSizedInput();
        return new ImageOutputs(new ImageBatches(images, preprocessing, decoder, decodeThreads, 2 * maxBatch), batcher, maxBatch);
    }
}
