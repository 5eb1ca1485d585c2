package dev.jresnet.cli;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.weights.DType;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "random-weights", mixinStandardHelpOptions = true,
        description = {"Write seeded random weights as safetensors, keyed like torchvision's state_dict.",
                "Convolutions use torchvision's initialisation; BatchNorm weights, biases and running statistics are "
                        + "randomized so that BN bugs cannot hide."})
final class RandomWeightsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--seed", required = true, description = "Random seed; the same seed gives the same bytes.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors")
    Path out;

    @Option(names = "--dtype", defaultValue = "F32", description = "Storage type of the floats: F32, F16 or BF16.")
    DType dtype;

    @Override
    public Integer call() throws Exception {
        if (!dtype.floating()) {
            throw new InvalidOptionException("--dtype must be F32, F16 or BF16");
        }
        var config = model.config();
        StateDict weights = RandomWeights.generate(config.graph(), seed);
        SafetensorsWriter.write(out, weights.convertFloatsTo(dtype),
                Map.of("format", "pt", "jresnet.arch", config.name(), "jresnet.seed", Long.toString(seed)));
        System.err.printf("wrote %d tensors for %s (seed %d) to %s%n", weights.size(), config.name(), seed, out);
        return 0;
    }
}
