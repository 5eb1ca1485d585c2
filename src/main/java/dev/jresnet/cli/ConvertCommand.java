package dev.jresnet.cli;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.weights.DType;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert torch.save's .pth (zip or legacy, read without Python and without running code) or "
                + "safetensors to safetensors, keys unchanged ('module.' stripped, a checkpoint's state_dict unwrapped)."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.safetensors")
    Path out;

    @Option(names = "--dtype", description = "Store floating tensors as F32, F16 or BF16 (default: as they are).")
    DType dtype;

    @Override
    public Integer call() throws Exception {
        if (dtype != null && !dtype.floating()) {
            throw new InvalidOptionException("--dtype must be F32, F16 or BF16");
        }
        StateDict weights = WeightsFiles.read(in);
        SafetensorsWriter.write(out, dtype == null ? weights : weights.convertFloatsTo(dtype),
                Map.of("format", "pt", "source", in.getFileName().toString()));
        System.err.printf("wrote %d tensors from %s to %s%n", weights.size(), in, out);
        return 0;
    }
}
