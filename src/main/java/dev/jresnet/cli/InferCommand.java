package dev.jresnet.cli;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet;
import dev.jresnet.gpu.Schedule;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.SafetensorsReader;
import dev.jresnet.weights.StateDict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run a batch (N, C, H, W) from a .npy file and write the logits (N, classes) as .npy.")
final class InferCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--weights", required = true, paramLabel = "FILE.safetensors")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "float32 or float16, shape (N, C, H, W).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Y.npy")
    Path output;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default) or gpu.")
    Device device;

    @Option(names = "--schedule", defaultValue = "fused", description = "GPU schedule: fused (default) or reference.")
    Schedule schedule;

    @Option(names = "--max-batch", defaultValue = "32", description = "GPU: largest batch run at once (default 32); "
            + "larger inputs are split.")
    int maxBatch;

    enum Device { CPU, GPU }

    @Override
    public Integer call() throws Exception {
        Tensor batch = Npy.read(input);
        if (batch.rank() != 4) {
            throw new IllegalArgumentException(input + ": expected an (N, C, H, W) batch, got shape " + batch.shapeString());
        }
        ModelConfig config = model.config();
        StateDict state = SafetensorsReader.read(weights);
        long start = System.nanoTime();
        Tensor logits;
        if (device == Device.GPU) {
            GpuOptions options = GpuOptions.defaults().withSchedule(schedule)
                    .withMaxBatch(Math.min(maxBatch, batch.dim(0))).withInputSize(batch.dim(2), batch.dim(3));
            try (GpuResNet net = GpuResNet.create(config, state, weights.toString(), options)) {
                logits = net.forward(batch);
            }
        } else {
            try (CpuResNet net = CpuResNet.create(config, state, weights.toString())) {
                logits = net.forward(batch);
            }
        }
        Npy.write(output, logits);
        System.err.printf("%s on the %s: %d images %s in %.1f ms, logits %s written to %s%n", config.name(), device,
                batch.dim(0), batch.shapeString(), (System.nanoTime() - start) / 1e6, logits.shapeString(), output);
        return 0;
    }
}
