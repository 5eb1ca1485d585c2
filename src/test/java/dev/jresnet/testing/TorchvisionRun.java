package dev.jresnet.testing;

import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One torchvision model's weights and input written once for scripts/torchvision_oracle.py, which then runs as
 * often as a test asks, with the options of each run ({@code --half-storage}, ...).
 */
public final class TorchvisionRun {
    private final String arch;
    private final Path dir;
    private final Path weightsFile;
    private final Path inputFile;
    private int runs;

    /** Writes {@code dir/ARCH.safetensors} and {@code dir/x.npy}; skips the test when the oracle is missing. */
    public TorchvisionRun(String arch, StateDict weights, Tensor input, Path dir) throws IOException {
        TorchOracle.assumeAvailable();
        this.arch = arch;
        this.dir = dir;
        this.weightsFile = dir.resolve(arch + ".safetensors");
        this.inputFile = dir.resolve("x.npy");
        SafetensorsWriter.write(weightsFile, weights, Map.of());
        Npy.write(inputFile, input);
    }

    public Path weightsFile() {
        return weightsFile;
    }

    /** torchvision's logits for the input, with these extra options to the oracle script. */
    public Tensor logits(String... options) throws IOException {
        Path output = dir.resolve("y" + runs++ + ".npy");
        List<String> args = new ArrayList<>(List.of("--arch", arch, "--weights", weightsFile.toString(),
                "--input", inputFile.toString(), "--output", output.toString()));
        args.addAll(List.of(options));
        TorchOracle.runScript("torchvision_oracle.py", args.toArray(String[]::new));
        return Npy.read(output);
    }
}
