package dev.jresnet.gpu;

import dev.jresnet.Network;
import dev.jresnet.gpu.internal.AlgorithmCache;
import dev.jresnet.gpu.internal.GpuExecutor;
import dev.jresnet.model.Graph;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.Plan;
import dev.jresnet.plan.Planner;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.StateDict;

/**
 * A network of the ResNet family on an NVIDIA GPU through cuDNN and cuBLAS, for one input size, in the precision its
 * options ask for, and batches up to a maximum chosen at construction (larger ones are split, and their chunks' copies
 * overlap the computation). Owns its device memory, handles and descriptors, but for its parameters, which networks
 * of the same weights object, schedule and precision on one GPU share; {@link #close()} frees what it holds, and a
 * constructor that fails frees what it took.
 *
 * <pre>{@code
 * try (GpuResNet net = GpuResNet.create(ResNetConfig.named("resnet50"), weights, "resnet50.safetensors",
 *         GpuOptions.defaults().withMaxBatch(64))) {
 *     Tensor logits = net.forward(batch); // (N, 3, 224, 224) -> (N, 1000)
 * }
 * }</pre>
 *
 * Thread-safe: calls are serialized per network (a lock); use several networks for concurrent batches.
 */
public class GpuResNet implements Network {
    private final GpuInfo gpu;
    private final GpuOptions options;
    private final GpuExecutor executor;

    protected GpuResNet(ModelConfig config, StateDict weights, String source, GpuOptions options) {
        this.gpu = Gpu.require(options.device());
        this.options = options;
        Graph graph = config.graph();
        Plan plan = Planner.plan(graph, weights, source, new Shape(graph.inputChannels(), options.height(), options.width()),
                options.schedule().plannerOptions().withPrecision(options.precision()));
        this.executor = new GpuExecutor(Gpu.cuda(), plan, gpu, weights, options.maxBatch(),
                AlgorithmCache.forFile(options.algorithmCache()), options.cudaGraphs());
    }

    /**
     * @throws GpuUnavailableException                      when there is no usable GPU (the message says why)
     * @throws dev.jresnet.weights.WeightsMismatchException when the weights do not fit the architecture
     * @throws DeviceMemoryException                        when the max batch does not fit on the device
     */
    public static GpuResNet create(ModelConfig config, StateDict weights, String source, GpuOptions options) {
        return new GpuResNet(config, weights, source, options);
    }

    /** (N, C, H, W) at the planned size -> (N, classes), float32 whatever the precision. */
    @Override
    public Tensor forward(Tensor batch) {
        return executor.run(batch);
    }

    /**
     * n 8-bit RGB images of the planned input size, interleaved (N, H, W, 3) as decoders produce them: uploaded as
     * bytes and normalized on the device ({@code (v / 255 - mean[c]) / std[c]}, as torchvision's ToTensor and
     * Normalize), then run. Same logits as {@link #forward(Tensor)} on the normalized floats.
     */
    public Tensor forwardImages(byte[] rgb, int n, float[] mean, float[] std) {
        return executor.runImages(rgb, n, mean, std);
    }

    public Plan plan() {
        return executor.plan();
    }

    public GpuInfo gpu() {
        return gpu;
    }

    public GpuOptions options() {
        return options;
    }

    /** What runs on the device, step by step, with the convolution algorithms chosen. */
    public String describeSteps() {
        return executor.describe();
    }

    /** cuBLAS's version number, as this network's handle reports it. */
    public int cublasVersion() {
        return executor.cublasVersion();
    }

    @Override
    public void close() {
        executor.close();
    }
}
