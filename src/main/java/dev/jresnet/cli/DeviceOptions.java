package dev.jresnet.cli;

import dev.jresnet.Network;
import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet;
import dev.jresnet.gpu.Schedule;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.plan.Precision;
import dev.jresnet.weights.StateDict;
import picocli.CommandLine.Option;

/** Where a command runs its network: --device cpu|gpu, and for the GPU its schedule and maximum batch. */
final class DeviceOptions {
    enum Device { CPU, GPU }

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default) or gpu.")
    Device device;

    @Option(names = "--gpu", defaultValue = "0", paramLabel = "N", description = "GPU: which one, numbered as CUDA numbers "
            + "them (default 0; CUDA_VISIBLE_DEVICES renumbers them).")
    int gpu;

    @Option(names = "--schedule", defaultValue = "fused", description = "GPU schedule: fused (default) or reference.")
    Schedule schedule;

    @Option(names = "--max-batch", defaultValue = "32", description = "GPU: largest batch run at once (default 32); "
            + "larger inputs are split.")
    int maxBatch;

    @Option(names = "--cuda-graphs", negatable = true, defaultValue = "true", fallbackValue = "true", description = "GPU: "
            + "replay each batch size's forward pass as a CUDA graph (default; --no-cuda-graphs launches every step).")
    boolean cudaGraphs;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 (default), tf32, fp16 or bf16. On the GPU: "
            + "tf32 and the 16-bit ones on tensor cores (bf16 from compute capability 8.0), logits fp32. On the CPU, fp16 "
            + "and bf16 are emulated (16-bit weights and activations, fp32 arithmetic), to see what they do to the "
            + "results; tf32 is GPU-only.")
    Precision precision;

    /** The network for inputs of height x width, with at most {@code batch} images per call. */
    Network open(ModelConfig config, StateDict weights, String source, int batch, int height, int width) {
        if (device == Device.GPU) {
            return GpuResNet.create(config, weights, source, GpuOptions.defaults().withSchedule(schedule)
                    .withMaxBatch(Math.max(1, Math.min(maxBatch, batch))).withInputSize(height, width).withCudaGraphs(cudaGraphs)
                    .withDevice(gpu).withPrecision(precision));
        }
        if (precision == Precision.TF32) {
            throw new IllegalArgumentException("--precision tf32 is a GPU tensor-core mode; the CPU runs fp32, and fp16 and "
                    + "bf16 emulated");
        }
        return CpuResNet.create(config, weights, source, PlannerOptions.FUSED.withPrecision(precision), CpuOptions.fast());
    }
}
