package dev.jresnet.cli;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.SafetensorsReader;
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

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default).")
    String device;

    @Override
    public Integer call() throws Exception {
        if (!device.equals("cpu")) {
            throw new IllegalArgumentException("--device " + device + " is not available; use cpu");
        }
        Tensor batch = Npy.read(input);
        long start = System.nanoTime();
        ModelConfig config = model.config();
        try (CpuResNet net = CpuResNet.create(config, SafetensorsReader.read(weights), weights.toString())) {
            Tensor logits = net.forward(batch);
            Npy.write(output, logits);
            System.err.printf("%s: %d images %s in %.1f ms, logits %s written to %s%n", config.name(), batch.dim(0),
                    batch.shapeString(), (System.nanoTime() - start) / 1e6, logits.shapeString(), output);
        }
        return 0;
    }
}
