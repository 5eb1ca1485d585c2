package dev.jresnet.cli;

import dev.jresnet.Network;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet;
import dev.jresnet.gpu.Schedule;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.weights.StateDict;
import picocli.CommandLine.Option;

/** Where a command runs its network: --device cpu|gpu, and for the GPU its schedule and maximum batch. */
final class DeviceOptions {
    enum Device { CPU, GPU }

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default) or gpu.")
    Device device;

    @Option(names = "--schedule", defaultValue = "fused", description = "GPU schedule: fused (default) or reference.")
    Schedule schedule;

    @Option(names = "--max-batch", defaultValue = "32", description = "GPU: largest batch run at once (default 32); "
            + "larger inputs are split.")
    int maxBatch;

    /** The network for inputs of height x width, with at most {@code batch} images per call. */
    Network open(ModelConfig config, StateDict weights, String source, int batch, int height, int width) {
        if (device == Device.GPU) {
            return GpuResNet.create(config, weights, source, GpuOptions.defaults().withSchedule(schedule)
                    .withMaxBatch(Math.max(1, Math.min(maxBatch, batch))).withInputSize(height, width));
        }
        return CpuResNet.create(config, weights, source);
    }
}
