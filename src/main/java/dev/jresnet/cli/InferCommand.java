package dev.jresnet.cli;

import dev.jresnet.Network;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.WeightsFiles;
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

    @Option(names = "--weights", required = true, paramLabel = "FILE_OR_NAME", description = "safetensors or torch .pth, "
            + "or a pretrained name such as resnet50.IMAGENET1K_V2 (jresnet weights list).")
    String weights;

    @Mixin
    PretrainedOptions pretrained;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "float32 or float16, shape (N, C, H, W).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Y.npy")
    Path output;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        Tensor batch = Npy.read(input);
        if (batch.rank() != 4) {
            throw new IllegalArgumentException(input + ": expected an (N, C, H, W) batch, got shape " + batch.shapeString());
        }
        ModelConfig config = model.config();
        Path file = pretrained.resolve(weights, config);
        StateDict state = WeightsFiles.read(file);
        long start = System.nanoTime();
        Tensor logits;
        try (Network net = device.open(config, state, file.toString(), batch.dim(0), batch.dim(2), batch.dim(3))) {
            logits = net.forward(batch);
        }
        Npy.write(output, logits);
        System.err.printf("%s on the %s: %d images %s in %.1f ms, logits %s written to %s%n", config.name(), device.device,
                batch.dim(0), batch.shapeString(), (System.nanoTime() - start) / 1e6, logits.shapeString(), output);
        return 0;
    }
}
