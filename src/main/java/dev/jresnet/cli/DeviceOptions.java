package dev.jresnet.cli;

import dev.jresnet.Device;
import dev.jresnet.ResNetModel;
import dev.jresnet.plan.Precision;
import dev.jresnet.plan.Schedule;
import picocli.CommandLine.Option;

/** Where and how a command runs its network: the device, the schedule, the precision, the GPU's batch and graphs. */
final class DeviceOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE", description = "cpu, gpu, gpu:N or auto "
            + "(default: the first GPU when one is usable, else the CPU; the choice and its reason are printed).")
    String device;

    @Option(names = "--gpu", paramLabel = "N", description = "Which GPU, as CUDA numbers them (CUDA_VISIBLE_DEVICES "
            + "renumbers them): the same as --device gpu:N.")
    Integer gpu;

    @Option(names = "--schedule", defaultValue = "fused", description = "fused (default: BatchNorm folded, ReLU and the "
            + "residual fused into the convolutions) or reference (each its own operation), on either device.")
    Schedule schedule;

    @Option(names = "--max-batch", defaultValue = "32", description = "The most images run at once (default 32): GPU "
            + "buffers are sized for it; larger batches are split.")
    int maxBatch;

    @Option(names = "--cuda-graphs", negatable = true, defaultValue = "true", fallbackValue = "true", description = "GPU: "
            + "replay each batch size's forward pass as a CUDA graph (default; --no-cuda-graphs launches every step).")
    boolean cudaGraphs;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 (default), tf32, fp16 or bf16. On the GPU: "
            + "tf32 and the 16-bit ones on tensor cores (bf16 from compute capability 8.0), logits fp32. On the CPU, fp16 "
            + "and bf16 are emulated (16-bit weights and activations, fp32 arithmetic), to see what they do to the "
            + "results; tf32 is GPU-only.")
    Precision precision;

    /** The device asked for: --gpu N wins over --device. */
    Device device() {
        if (gpu != null) {
            Options.atLeast("--gpu", gpu, 0);
            return Device.gpu(gpu);
        }
        return Device.parse(device);
    }

    /** Refuses values out of range, before any work. */
    void check() {
        Options.atLeast("--max-batch", maxBatch, 1);
        device();
    }

    /** Applies these options to a model being built. */
    ResNetModel.Builder configure(ResNetModel.Builder builder) {
        check();
        return builder.device(device()).schedule(schedule).precision(precision).maxBatch(maxBatch).cudaGraphs(cudaGraphs);
    }
}
