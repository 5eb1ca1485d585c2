package dev.jresnet.cli;

import dev.jresnet.Device;
import dev.jresnet.ResNetModel;
import dev.jresnet.gpu.Schedule;
import dev.jresnet.plan.Precision;
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

    @Option(names = "--cuda-graphs", description = "GPU: replay each batch size's forward pass as a CUDA graph "
            + "(off by default until measured on a GPU).")
    boolean cudaGraphs;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 (default) or fp16: on the CPU, fp16 is "
            + "emulated (binary16 weights and activations, fp32 arithmetic), to see what half precision does to the "
            + "results; the GPU runs fp32 only so far.")
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
