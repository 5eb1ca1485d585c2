package dev.jresnet.cpu;

import dev.jresnet.model.Graph;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.Plan;
import dev.jresnet.plan.Planner;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsValidator;

import java.util.HashMap;
import java.util.Map;

/**
 * A network on the CPU for any input size: the weights are checked once, and a plan is compiled (and its buffers
 * kept) for each input shape the first time it is seen.
 *
 * <pre>{@code
 * try (CpuResNet net = CpuResNet.create(ResNetConfig.named("resnet50"), SafetensorsReader.read(path), path.toString())) {
 *     Tensor logits = net.forward(batch); // (N, 3, H, W) -> (N, 1000)
 * }
 * }</pre>
 */
public final class CpuResNet implements AutoCloseable {
    private final Graph graph;
    private final StateDict weights;
    private final String source;
    private final PlannerOptions options;
    private final Map<Shape, CpuExecutor> executors = new HashMap<>();
    private boolean closed;

    private CpuResNet(Graph graph, StateDict weights, String source, PlannerOptions options) {
        WeightsValidator.check(graph, weights, source);
        this.graph = graph;
        this.weights = weights;
        this.source = source;
        this.options = options;
    }

    /** The default plan: BatchNorm folded and activations fused. */
    public static CpuResNet create(ModelConfig config, StateDict weights, String source) {
        return create(config, weights, source, PlannerOptions.FUSED);
    }

    /**
     * @param source where the weights came from, for messages
     * @throws dev.jresnet.weights.WeightsMismatchException listing every missing, unexpected and mis-shaped key
     */
    public static CpuResNet create(ModelConfig config, StateDict weights, String source, PlannerOptions options) {
        return new CpuResNet(config.graph(), weights, source, options);
    }

    public Graph graph() {
        return graph;
    }

    /** (N, C, H, W) -> (N, outputs). Thread-safe; batches of one input size run one at a time. */
    public Tensor forward(Tensor batch) {
        if (batch.rank() != 4) {
            throw new IllegalArgumentException("expected an (N, C, H, W) batch, got shape " + batch.shapeString());
        }
        return executor(new Shape(batch.dim(1), batch.dim(2), batch.dim(3))).run(batch);
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
            e = CpuExecutor.plain(Planner.plan(graph, weights, source, input, options));
            executors.put(input, e);
        }
        return e;
    }

    @Override
    public synchronized void close() {
        closed = true;
        executors.values().forEach(CpuExecutor::close);
        executors.clear();
    }
}
