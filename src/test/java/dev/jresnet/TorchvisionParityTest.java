package dev.jresnet;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.Golden;
import dev.jresnet.testing.TorchvisionRun;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jresnet.testing.Parity.assertWithin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The CPU path against torchvision, fp32, with randomized BatchNorm statistics: every architecture against stored
 * torchvision outputs (scripts/make_golden.py), and full-size resnet18 against torchvision run now.
 */
class TorchvisionParityTest {

    /** Every case on the plain reference kernels and on the fast ones (two threads: the tasks really split). */
    static List<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Golden.Case c : Golden.cases()) {
            all.add(Arguments.of(c, CpuOptions.plain()));
            all.add(Arguments.of(c, CpuOptions.fast(2)));
        }
        return all;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyArchitectureMatchesStoredTorchvisionLogits(Golden.Case c, CpuOptions cpu) {
        StateDict weights = RandomWeights.generate(c.config().graph(), c.weightsSeed());
        Tensor input = c.readInput();
        Tensor expected = c.readLogits();
        for (PlannerOptions options : List.of(PlannerOptions.FUSED, PlannerOptions.REFERENCE)) {
            try (CpuResNet net = CpuResNet.create(c.config(), weights, "seed " + c.weightsSeed(), options, cpu)) {
                Tensor logits = net.forward(input);
                assertArrayEquals(expected.shape(), logits.shape());
                assertWithin(c.name() + " " + cpu.kernels() + (options.foldBatchNorm() ? " (BN folded)" : " (BN kept)"),
                        logits, expected);
            }
        }
    }

    /**
     * Batch 8: the fast kernels then take their Winograd path in layers 3 and 4 (it needs 128 tiles); the plain
     * kernels run the first 2 images.
     */
    @Test
    void fullSizeResnet18MatchesTorchvisionRunNow(@TempDir Path dir) throws Exception {
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 42);
        Tensor input = SeededRandom.normal(43, 8, 3, 224, 224);
        TorchvisionRun torchvision = new TorchvisionRun("resnet18", weights, input, dir);
        Path weightsFile = torchvision.weightsFile();
        Tensor expected = torchvision.logits();
        for (CpuOptions cpu : List.of(CpuOptions.plain(), CpuOptions.fast())) {
            int n = cpu.kernels() == CpuOptions.Kernels.PLAIN ? 2 : 8;
            for (PlannerOptions options : List.of(PlannerOptions.FUSED, PlannerOptions.REFERENCE)) {
                try (CpuResNet net = CpuResNet.create(config, weights, weightsFile.toString(), options, cpu)) {
                    assertWithin("resnet18 224x224 batch " + n + " live " + cpu.kernels()
                            + (options.foldBatchNorm() ? " (BN folded)" : " (BN kept)"), net.forward(input.slice(0, n)), expected.slice(0, n));
                }
            }
        }
    }
}
