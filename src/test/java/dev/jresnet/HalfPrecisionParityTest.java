package dev.jresnet;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.TorchvisionRun;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fp16 plan on the CPU (binary16 weights and activations, float32 arithmetic): what the GPU's fp16 mode is to
 * compute. Held two ways: to torchvision with the same rounding applied by hooks (an independent emulation, so
 * the two must agree closely), and to plain fp32 torchvision within fp16's bar from DESIGN.md.
 */
class HalfPrecisionParityTest {
    /** Agreement of two fp16 emulations: they differ only where fp32 summation order moves a value across a
     * binary16 rounding boundary (one half-ulp, 2^-11 relative, at a few elements). */
    private static final double EMULATIONS_AGREE = 2e-3;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50"})
    void fp16PlanMatchesTorchvisionWithTheSameRoundingAndStaysWithinItsBar(String arch, @TempDir Path dir) throws Exception {
        ResNetConfig config = ResNetConfig.named(arch);
        StateDict weights = RandomWeights.generate(config.graph(), 7);
        Tensor input = SeededRandom.normal(8, 2, 3, 96, 96);
        TorchvisionRun torchvision = new TorchvisionRun(arch, weights, input, dir);
        Tensor fp32 = torchvision.logits();
        Tensor emulated = torchvision.logits("--half-storage");
        // BN kept, conv outputs rounded before BN: the same op boundaries as the hooks in torchvision's modules.
        try (CpuResNet net = CpuResNet.create(config, weights, arch, PlannerOptions.REFERENCE.withPrecision(Precision.FP16),
                CpuOptions.fast())) {
            Tensor ours = net.forward(input);
            double agreement = Metrics.relativeL2(ours.data(), emulated.data());
            double fromFp32 = Metrics.relativeL2(ours.data(), fp32.data());
            System.out.printf(Locale.ROOT, "fp16 %s BN kept: vs torchvision fp16-emulated %.3e, vs torchvision fp32 %.3e%n",
                    arch, agreement, fromFp32);
            assertTrue(agreement <= EMULATIONS_AGREE, () -> arch + ": " + agreement + " from torchvision's fp16 emulation");
            assertTrue(fromFp32 <= Precision.FP16.tolerance(), () -> arch + ": " + fromFp32 + " from fp32");
            // The rounding happened: 16-bit storage is far from fp32's 1e-6-level agreement.
            assertTrue(fromFp32 > 1e-4, () -> arch + ": fp16 plan within " + fromFp32 + " of fp32, rounding not applied?");
        }
        try (CpuResNet net = CpuResNet.create(config, weights, arch, PlannerOptions.FUSED.withPrecision(Precision.FP16),
                CpuOptions.fast())) {
            double fromFp32 = Metrics.relativeL2(net.forward(input).data(), fp32.data());
            System.out.printf(Locale.ROOT, "fp16 %s BN folded: vs torchvision fp32 %.3e%n", arch, fromFp32);
            assertTrue(fromFp32 <= Precision.FP16.tolerance(), () -> arch + " folded: " + fromFp32 + " from fp32");
        }
    }

    @Test
    void tf32IsAGpuModeTheCpuRefuses() {
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuResNet.create(config, weights, "seeded",
                PlannerOptions.FUSED.withPrecision(Precision.TF32), CpuOptions.fast()));
        assertTrue(e.getMessage().contains("TF32"), e.getMessage());
    }
}
