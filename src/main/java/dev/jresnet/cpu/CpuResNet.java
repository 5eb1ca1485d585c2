package dev.jresnet.cpu;

import dev.jresnet.InputException;
import dev.jresnet.InvalidOptionException;
import dev.jresnet.Network;
import dev.jresnet.model.Graph;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.OpTimes;
import dev.jresnet.plan.Plan;
import dev.jresnet.plan.Planner;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsValidator;

import java.util.HashMap;
import java.util.Map;

/**
 * A network on the CPU for any input size: the weights are checked once, and a plan is compiled (and its buffers
 * kept) for each input shape the first time it is seen. The fast kernels on all cores are the default;
 * {@link CpuOptions} picks the plain reference kernels or another thread count.
 *
 * <pre>{@code
 * try (CpuResNet net = CpuResNet.create(ResNetConfig.named("resnet50"), WeightsFiles.read(path), path.toString())) {
 *     Tensor logits = net.forward(batch); // (N, 3, H, W) -> (N, 1000)
 * }
 * }</pre>
 */
public final class CpuResNet implements Network {
    private final Graph graph;
    private final StateDict weights;
    private final String source;
    private final PlannerOptions options;
    private final CpuKernels kernels;
    private final Map<Shape, CpuExecutor> executors = new HashMap<>();
    private boolean closed;

    private CpuResNet(Graph graph, StateDict weights, String source, PlannerOptions options, CpuOptions cpu) {
        if (options.precision() == Precision.TF32) {
            throw new InvalidOptionException("TF32 is a GPU tensor-core mode; the CPU runs fp32, or fp16 and bf16 "
                    + "emulated (16-bit weights and activations, fp32 arithmetic)");
        }
        WeightsValidator.check(graph, weights, source);
        this.graph = graph;
        this.weights = weights;
        this.source = source;
        this.options = options;
        this.kernels = cpu.kernels() == CpuOptions.Kernels.FAST
                ? new FastKernels(cpu.threads(), MicroKernel.best()) : new PlainKernels();
    }

    /** The default plan (BatchNorm folded, activations fused) on the fast kernels and all cores. */
    public static CpuResNet create(ModelConfig config, StateDict weights, String source) {
        return create(config, weights, source, PlannerOptions.FUSED);
    }

    /** The default plan on the given kernels and threads. */
    public static CpuResNet create(ModelConfig config, StateDict weights, String source, CpuOptions cpu) {
        return create(config, weights, source, PlannerOptions.FUSED, cpu);
    }

    /** The given plan options on the fast kernels and all cores. */
    public static CpuResNet create(ModelConfig config, StateDict weights, String source, PlannerOptions options) {
        return create(config, weights, source, options, CpuOptions.fast());
    }

    /**
     * @param source where the weights came from, for messages
     * @throws dev.jresnet.weights.WeightsMismatchException listing every missing, unexpected and mis-shaped key
     */
    public static CpuResNet create(ModelConfig config, StateDict weights, String source, PlannerOptions options,
                                   CpuOptions cpu) {
        return new CpuResNet(config.graph(), weights, source, options, cpu);
    }

    public Graph graph() {
        return graph;
    }

    /** The kernels in use, for logs: "plain" or the fast kernels' vector width and threads. */
    public String kernelsDescription() {
        return kernels instanceof FastKernels f ? "fast (" + f.description() + ")" : "plain (1 thread)";
    }

    /** (N, C, H, W) -> (N, outputs). Thread-safe; batches of one input size run one at a time. */
    @Override
    public Tensor forward(Tensor batch) {
        return forward(batch, null);
    }

    /** Like {@link #forward(Tensor)}, adding each op's wall time to {@code times}: for benchmarks. */
    public Tensor forward(Tensor batch, OpTimes times) {
        if (batch.rank() != 4) {
            throw new InputException("expected an (N, C, H, W) batch, got shape " + batch.shapeString());
        }
        return executor(new Shape(batch.dim(1), batch.dim(2), batch.dim(3))).run(batch, times);
    }

    /** The compiled plan for one input shape. */
    public Plan plan(Shape input) {
        return executor(input).plan();
    }

    private synchronized CpuExecutor executor(Shape input) {
        if (closed) {
            throw new IllegalStateException("CpuResNet for " + graph.name() + " is closed");
        }
        CpuExecutor e = executors.get(input);
        if (e == null) {
            e = new CpuExecutor(Planner.plan(graph, weights, source, input, options), kernels);
            executors.put(input, e);
        }
        return e;
    }

    @Override
    public synchronized void close() {
        closed = true;
        executors.values().forEach(CpuExecutor::close);
        executors.clear();
        if (kernels instanceof FastKernels f) {
            f.close();
        }
    }
}
