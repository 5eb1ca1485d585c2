package dev.jresnet.cli;

import dev.jresnet.InputException;
import dev.jresnet.ResNetModel;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
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
        Options.writable("--output", output);
        Tensor batch = Npy.read(Options.readable("--input", input));
        if (batch.rank() != 4 || batch.dim(0) < 1) {
            throw new InputException(input + ": expected an (N, C, H, W) batch, got shape " + batch.shapeString());
        }
        ModelConfig config = model.config();
        Path file = Options.readable("--weights", pretrained.resolve(weights, config));
        long start = System.nanoTime();
        Tensor logits;
        ResNetModel.Builder builder = device.configure(ResNetModel.builder().config(config).weights(file)
                .inputSize(batch.dim(2), batch.dim(3)));
        try (ResNetModel net = builder.build()) {
            logits = net.forward(batch);
            System.err.println(net.config().name() + " on " + net.deviceChoice());
        }
        Npy.write(output, logits);
        System.err.printf(Locale.ROOT, "%d images %s in %.1f ms, logits %s written to %s%n", batch.dim(0),
                batch.shapeString(), (System.nanoTime() - start) / 1e6, logits.shapeString(), output);
        return 0;
    }
}
