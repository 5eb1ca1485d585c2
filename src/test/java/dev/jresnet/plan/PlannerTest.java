package dev.jresnet.plan;

import dev.jresnet.model.BlockNetConfig;
import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.Graph;
import dev.jresnet.model.GraphBuilder;
import dev.jresnet.model.PaddingMode;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.model.Shape;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.TensorData;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerTest {
    private static final Shape IMAGE = new Shape(3, 64, 64);
    private final Graph resnet18 = ResNetConfig.named("resnet18").graph();
    private final StateDict weights = RandomWeights.generate(resnet18, 3);

    private long count(Plan plan, Class<? extends PlanOp> type) {
        return plan.ops().stream().filter(type::isInstance).count();
    }

    @Test
    void fusedPlanFoldsEveryBatchNormAndFusesEveryActivationAndResidual() {
        Plan plan = Planner.plan(resnet18, weights, "w", IMAGE, PlannerOptions.FUSED);
        assertEquals(0, count(plan, PlanOp.BatchNormOp.class));
        assertEquals(0, count(plan, PlanOp.ReluOp.class));
        assertEquals(0, count(plan, PlanOp.AddOp.class));
        List<PlanOp.ConvOp> convs = plan.ops().stream().filter(PlanOp.ConvOp.class::isInstance).map(PlanOp.ConvOp.class::cast).toList();
        assertEquals(20, convs.size());
        assertTrue(convs.stream().allMatch(c -> c.bias() != null), "every conv carries its folded BN as a bias");
        // 8 blocks: the last conv of each adds the shortcut and applies the block's ReLU (cuDNN's z input).
        List<PlanOp.ConvOp> residual = convs.stream().filter(c -> c.residual() != PlanOp.NO_BUFFER).toList();
        assertEquals(8, residual.size());
        assertTrue(residual.stream().allMatch(PlanOp.ConvOp::relu));
        assertTrue(residual.stream().allMatch(c -> c.name().endsWith(".conv2")));
        // The 3 downsample convs keep identity activation; all other convs fuse their ReLU.
        assertEquals(3, convs.stream().filter(c -> !c.relu()).count());
        assertTrue(convs.stream().filter(c -> !c.relu()).allMatch(c -> c.name().endsWith("downsample.0")));
    }

    @Test
    void referencePlanKeepsBatchNormAndReluButFusesTheAddsRelu() {
        Plan plan = Planner.plan(resnet18, weights, "w", IMAGE, PlannerOptions.REFERENCE);
        assertEquals(20, count(plan, PlanOp.BatchNormOp.class));
        assertEquals(9, count(plan, PlanOp.ReluOp.class)); // stem + the first ReLU of each of the 8 blocks
        assertEquals(8, count(plan, PlanOp.AddOp.class));
        assertTrue(plan.ops().stream().filter(PlanOp.AddOp.class::isInstance).allMatch(a -> ((PlanOp.AddOp) a).relu()));
        assertTrue(plan.ops().stream().filter(PlanOp.ConvOp.class::isInstance)
                .allMatch(c -> ((PlanOp.ConvOp) c).bias() == null && !((PlanOp.ConvOp) c).relu()));

        Plan unoptimized = Planner.plan(resnet18, weights, "w", IMAGE, PlannerOptions.UNOPTIMIZED);
        assertEquals(17, count(unoptimized, PlanOp.ReluOp.class));
    }

    @Test
    void foldingFollowsTheBatchNormFormula() {
        // conv: 1 -> 1 channel, 1x1, weight 2, no bias; BN: gamma 3, beta 1, mean 0.5, var 3, eps 1.
        GraphBuilder g = new GraphBuilder("tiny", 1);
        int x = g.conv("c", g.input(), ConvSpec.square(1, 1, 1, 1, 0, 1, 1, false));
        x = g.batchNorm("b", x, 1, 1.0);
        Graph graph = g.build(x);
        StateDict w = new StateDict()
                .put("c.weight", TensorData.ofFloats(new int[]{1, 1, 1, 1}, new float[]{2}))
                .put("b.weight", TensorData.ofFloats(new int[]{1}, new float[]{3}))
                .put("b.bias", TensorData.ofFloats(new int[]{1}, new float[]{1}))
                .put("b.running_mean", TensorData.ofFloats(new int[]{1}, new float[]{0.5f}))
                .put("b.running_var", TensorData.ofFloats(new int[]{1}, new float[]{3}));
        Plan plan = Planner.plan(graph, w, "w", new Shape(1, 2, 2), PlannerOptions.FUSED);
        assertEquals(1, plan.ops().size());
        PlanOp.ConvOp conv = (PlanOp.ConvOp) plan.ops().get(0);
        // scale = 3 / sqrt(3 + 1) = 1.5; weight 2 * 1.5 = 3; bias (0 - 0.5) * 1.5 + 1 = 0.25
        assertArrayEquals(new float[]{3f}, conv.weight());
        assertArrayEquals(new float[]{0.25f}, conv.bias());
        assertEquals(plan.outputBuffer(), conv.output());
    }

    @Test
    void aValueWithTwoReadersIsNotFusedAway() {
        GraphBuilder g = new GraphBuilder("branch", 1);
        int c = g.conv("c", g.input(), ConvSpec.square(1, 1, 3, 1, 1, 1, 1, true));
        int r = g.relu("r", c);
        int sum = g.add("a", r, c); // c is read by the ReLU and by the add
        Graph graph = g.build(sum);
        StateDict w = RandomWeights.generate(graph, 1);
        Plan plan = Planner.plan(graph, w, "w", new Shape(1, 5, 5), PlannerOptions.FUSED);
        assertEquals(1, count(plan, PlanOp.ReluOp.class));
        assertEquals(1, count(plan, PlanOp.AddOp.class));
        assertFalse(((PlanOp.ConvOp) plan.ops().get(0)).relu());
    }

    @Test
    void buffersAreReusedAndNeverOverwrittenWhileTheirValueIsStillNeeded() {
        for (PlannerOptions options : List.of(PlannerOptions.FUSED, PlannerOptions.REFERENCE, PlannerOptions.UNOPTIMIZED)) {
            OpSequence values = lowered(options);
            Plan plan = BufferAssignment.assign("resnet18", values, Graph.INPUT, options);
            assertTrue(plan.bufferCount() <= 4, "resnet18 needs at most 4 activation buffers, got " + plan.bufferCount());
            // Replay: which value each buffer holds; every read must find the value the unassigned op read.
            Map<Integer, Integer> holds = new HashMap<>();
            holds.put(plan.inputBuffer(), Graph.INPUT);
            for (int i = 0; i < plan.ops().size(); i++) {
                PlanOp before = values.ops().get(i);
                PlanOp after = plan.ops().get(i);
                for (int k = 0; k < after.inputs().size(); k++) {
                    assertEquals(before.inputs().get(k), holds.get(after.inputs().get(k)), "op " + after.name());
                    assertNotEquals(after.output(), after.inputs().get(k), "op " + after.name() + " writes its own input");
                }
                assertTrue(plan.bufferElements()[after.output()] >= values.shapes()[before.output()].elements());
                holds.put(after.output(), before.output());
            }
            assertEquals(values.output(), holds.get(plan.outputBuffer()));
        }
    }

    private OpSequence lowered(PlannerOptions options) {
        return Planner.optimize(Planner.lower(resnet18, weights, resnet18.shapes(IMAGE)), options);
    }

    @Test
    void aPaddingModeBecomesAnExplicitPadAndAnUnpaddedConvolution() {
        GraphBuilder g = new GraphBuilder("reflect", 2);
        int x = g.conv("c", g.input(), ConvSpec.square(2, 4, 3, 1, 1, 1, 1, true), PaddingMode.REFLECT);
        Graph graph = g.build(x);
        Plan plan = Planner.plan(graph, RandomWeights.generate(graph, 1), "w", new Shape(2, 5, 6), PlannerOptions.FUSED);
        assertEquals(2, plan.ops().size());
        PlanOp.PadOp pad = (PlanOp.PadOp) plan.ops().get(0);
        assertEquals(new Shape(2, 7, 8), pad.outShape());
        assertEquals(PaddingMode.REFLECT, pad.mode());
        PlanOp.ConvOp conv = (PlanOp.ConvOp) plan.ops().get(1);
        assertEquals(0, conv.spec().padH());
        assertEquals(new Shape(4, 5, 6), conv.outShape());
        assertEquals(pad.output(), conv.input());
    }

    @Test
    void aPooledShortcutIsFusedIntoTheBlocksLastConvolution() {
        BlockNetConfig config = new BlockNetConfig("pooled", 3, 10,
                new BlockNetConfig.Stem(8, 3, 1, false, PaddingMode.ZEROS, null),
                List.of(new BlockNetConfig.Stage(8, 1, 2)),
                new BlockNetConfig.Block(3, 1, true, false, false, BlockNetConfig.Shortcut.AVG_POOL, true, false, PaddingMode.ZEROS),
                BlockNetConfig.KeyLayout.TORCHVISION, 1e-5, 0.1);
        Graph graph = config.graph();
        Plan plan = Planner.plan(graph, RandomWeights.generate(graph, 1), "w", new Shape(3, 9, 9), PlannerOptions.FUSED);
        PlanOp.AvgPoolOp pool = (PlanOp.AvgPoolOp) plan.ops().stream().filter(PlanOp.AvgPoolOp.class::isInstance).findFirst().orElseThrow();
        PlanOp.ConvOp conv2 = (PlanOp.ConvOp) plan.ops().stream().filter(o -> o.name().equals("layer1.0.conv2")).findFirst().orElseThrow();
        assertEquals(pool.output(), conv2.residual());
        assertTrue(conv2.relu());
        assertEquals(new Shape(8, 5, 5), pool.outShape()); // ceil mode: 9 -> 5, as the strided convolution gives
    }
}
