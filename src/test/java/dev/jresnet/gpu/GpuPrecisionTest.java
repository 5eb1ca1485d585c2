package dev.jresnet.gpu;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.sim.SimulatedGpu;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.model.FeaturesConfig;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.plan.Precision;
import dev.jresnet.plan.Schedule;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.GpuUnderTest;
import dev.jresnet.testing.Simulated;
import dev.jresnet.testing.TorchvisionRun;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every GPU precision and schedule against torchvision fp32 on the same weights and inputs (relative L2 of the
 * logits): fp32 within 1e-5, tf32 within 5e-3, fp16 and bf16 within 2e-2 ({@link Precision#tolerance()}); and the
 * 16-bit ones against the CPU's emulation of the same storage (16-bit weights and activations, float32 arithmetic),
 * which HalfPrecisionParityTest holds to an independent emulation in torchvision. On the simulated GPU by default
 * (a Hopper: TF32 rounds there, bf16 runs), on the machine's under JRESNET_GPU=real.
 */
@ExtendWith(GpuUnderTest.class)
@DisplayNameGeneration(GpuUnderTest.Names.class)
class GpuPrecisionTest {
    /**
     * How close the GPU's 16-bit run and the CPU's emulation of it must be: they round at the same op boundaries and
     * differ where a different float32 summation order moves a value across a 16-bit rounding boundary (one half-ulp:
     * 2^-11 relative for fp16, 2^-8 for bf16, at a few elements), and in the logits, which the GPU keeps float32.
     */
    private static final Map<Precision, Double> EMULATION_AGREES = new EnumMap<>(Map.of(Precision.FP16, 2e-3,
            Precision.BF16, 1e-2));

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50"})
    void everyPrecisionAndScheduleIsWithinItsBarOfTorchvisionFp32(String arch, @TempDir Path dir) throws Exception {
        ResNetConfig config = ResNetConfig.named(arch);
        StateDict weights = RandomWeights.generate(config.graph(), 41);
        Tensor input = SeededRandom.normal(42, 3, 3, 64, 64);
        Tensor torchvision = new TorchvisionRun(arch, weights, input, dir).logits();
        for (Schedule schedule : Schedule.values()) {
            Map<Precision, Double> errors = new EnumMap<>(Precision.class);
            for (Precision precision : Precision.values()) {
                try (GpuResNet gpu = GpuResNet.create(config, weights, "seed 41", GpuTesting.options(3, 64)
                        .withSchedule(schedule).withPrecision(precision))) {
                    double error = report(arch + " " + schedule + " " + precision.label() + " vs torchvision fp32",
                            gpu.forward(input), torchvision);
                    errors.put(precision, error);
                    assertTrue(error <= precision.tolerance(), () -> arch + " " + schedule + " " + precision.label() + ": "
                            + error + " > " + precision.tolerance());
                }
            }
            // Each precision took effect: rounding shows beyond fp32's agreement, and bf16's 8-bit mantissas show more
            // than fp16's 11-bit ones (a swapped type would not).
            for (Precision p : new Precision[]{Precision.FP16, Precision.BF16}) {
                assertTrue(errors.get(p) > 1e-4, () -> schedule + " " + p.label() + " within " + errors.get(p) + " of fp32");
            }
            assertTrue(errors.get(Precision.BF16) > errors.get(Precision.FP16), () -> schedule + ": " + errors);
            if (!GpuUnderTest.real()) {
                // The simulated GPU is a Hopper: TF32 rounds the convolutions' and the classifier's inputs there.
                assertTrue(errors.get(Precision.TF32) > 1e-5, () -> schedule + " tf32: " + errors);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fp16", "bf16"})
    void sixteenBitRunsAreTheCpusEmulationOfThem(String label) {
        Precision precision = Precision.valueOf(label.toUpperCase(Locale.ROOT));
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 43);
        Tensor input = SeededRandom.normal(44, 7, 3, 64, 64);
        for (Schedule schedule : Schedule.values()) {
            assertEmulated("resnet18 " + schedule, config, weights, schedule, precision, input, 4);
        }
    }

    /** Our 16-bit NHWC kernels (padding, pooling, the option-A shortcut) in the variants that use them. */
    @ParameterizedTest
    @ValueSource(strings = {"cifar_resnet20_option_a", "separable_dilated_reflect", "digits_resnet18", "resnet50_dilated_10cls"})
    void variantsRunInSixteenBitsAsTheCpuEmulatesThem(String name) throws Exception {
        ModelConfig config = ModelDescription.resolve(name);
        StateDict weights = RandomWeights.generate(config.graph(), 45);
        Tensor input = SeededRandom.normal(46, 3, config.graph().inputChannels(), 64, 48);
        for (Precision precision : new Precision[]{Precision.FP16, Precision.BF16}) {
            for (Schedule schedule : Schedule.values()) {
                assertEmulated(name + " " + schedule, config, weights, schedule, precision, input, 3);
            }
        }
    }

    /**
     * Every precision's forward pass captured as CUDA graphs (chunks of 4 and 3 through the copy pipeline) replays to
     * the logits of its first, direct run.
     */
    @Test
    void everyPrecisionReplaysAsCudaGraphs() {
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 53);
        Tensor input = SeededRandom.normal(54, 7, 3, 32, 32);
        for (Precision precision : Precision.values()) {
            try (GpuResNet gpu = GpuResNet.create(config, weights, "w", GpuTesting.options(4, 32).withPrecision(precision))) {
                Tensor first = gpu.forward(input);
                for (int run = 1; run < 3; run++) {
                    assertArrayEquals(first.data(), gpu.forward(input).data(), precision.label() + " run " + run);
                }
                String described = gpu.describeSteps();
                assertTrue(described.contains("N=4: CUDA graph") && described.contains("N=3: CUDA graph"), described);
            }
        }
    }

    /** A network cut after its pooling returns float32 features, widened from its 16-bit storage. */
    @Test
    void sixteenBitFeaturesComeBackAsFloat32() {
        ModelConfig config = new FeaturesConfig(ResNetConfig.named("resnet18"));
        StateDict weights = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 47).selectFor(config.graph());
        Tensor input = SeededRandom.normal(48, 2, 3, 64, 64);
        assertEmulated("resnet18 features", config, weights, Schedule.FUSED, Precision.FP16, input, 2);
    }

    /** 8-bit images normalized on the device into fp16 give the logits of the same images normalized on the host. */
    @Test
    void eightBitImagesNormalizeStraightIntoHalfPrecision() {
        ResNetConfig config = ResNetConfig.named("resnet18");
        StateDict weights = RandomWeights.generate(config.graph(), 49);
        int n = 5;
        int size = 64;
        byte[] rgb = new byte[n * size * size * 3];
        new Random(50).nextBytes(rgb);
        Preprocessing imagenet = Preprocessing.IMAGENET;
        Tensor normalized = imagenet.normalize(rgb, n, size, size);
        try (GpuResNet gpu = GpuResNet.create(config, weights, "w", GpuTesting.options(2, size).withPrecision(Precision.FP16))) {
            assertArrayEquals(gpu.forward(normalized).data(), gpu.forwardImages(rgb, n, imagenet.mean(), imagenet.std()).data());
        }
    }

    /** A Turing GPU has no TF32 (tf32 computes fp32 there) and no bfloat16 convolutions (refused, saying so). */
    @Test
    @Simulated("cuda12Turing")
    void turingRunsTf32AsFp32AndRefusesBf16(SimulatedGpu sim) {
        ModelConfig config = GpuTesting.tinyResNet();
        StateDict weights = RandomWeights.generate(config.graph(), 51);
        Tensor input = SeededRandom.normal(52, 2, 3, 32, 32);
        try (GpuResNet fp32 = GpuResNet.create(config, weights, "w", GpuTesting.options(2, 32));
             GpuResNet tf32 = GpuResNet.create(config, weights, "w", GpuTesting.options(2, 32).withPrecision(Precision.TF32))) {
            assertArrayEquals(fp32.forward(input).data(), tf32.forward(input).data());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuResNet.create(config, weights, "w",
                GpuTesting.options(2, 32).withPrecision(Precision.BF16)));
        assertTrue(e.getMessage().contains("bf16 needs a GPU of compute capability 8.0") && e.getMessage().contains("7.5"),
                e.getMessage());
        assertEquals(0, Gpu.pinnedHostBytes());
    }

    private static void assertEmulated(String label, ModelConfig config, StateDict weights, Schedule schedule,
                                       Precision precision, Tensor input, int maxBatch) {
        Tensor emulated;
        try (CpuResNet cpu = CpuResNet.create(config, weights, "w", schedule.plannerOptions().withPrecision(precision),
                CpuOptions.fast())) {
            emulated = cpu.forward(input);
        }
        try (GpuResNet gpu = GpuResNet.create(config, weights, "w", GpuTesting.options(maxBatch, input.dim(2), input.dim(3))
                .withSchedule(schedule).withPrecision(precision))) {
            Tensor out = gpu.forward(input);
            assertEquals(emulated.shapeString(), out.shapeString());
            double error = report(label + " " + precision.label() + " vs the CPU's emulation", out, emulated);
            assertTrue(error <= EMULATION_AGREES.get(precision), () -> label + " " + precision.label() + ": " + error);
        }
    }

    private static double report(String label, Tensor gpu, Tensor reference) {
        double error = Metrics.relativeL2(gpu.data(), reference.data());
        System.out.printf(Locale.ROOT, "gpu precision [%s] %-70s relative L2 %.3e%n", GpuUnderTest.deviceName(), label, error);
        return error;
    }
}
