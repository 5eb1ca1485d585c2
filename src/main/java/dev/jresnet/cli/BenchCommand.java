package dev.jresnet.cli;

import dev.jresnet.bench.Bench;
import dev.jresnet.bench.BenchReport;
import dev.jresnet.bench.BenchSetup;
import dev.jresnet.bench.Machine;
import dev.jresnet.bench.Measurement;
import dev.jresnet.gpu.Gpu;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.SafetensorsWriter;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.WeightsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time backends side by side on the same weights and batches, and print a table with ratios.",
                "Backends: jresnet's are the device then any of the words --schedule, --precision and the CPU's "
                        + "kernels use, joined by '-' (unnamed: fused, fp32, fast): cpu-fast, cpu-plain, "
                        + "cpu-reference, cpu-fp16; with a GPU also u8 (8-bit images in) and nographs: gpu-fused, "
                        + "gpu-reference, gpu-tf32, gpu-fp16-u8, ... Peers: pytorch (Debian's torch, same thread count), "
                        + "onnxruntime (jar built with -Ppeers, same thread count), and with a GPU PyTorch's CUDA modes "
                        + "torch-fp32, torch-tf32, torch-fp16-cl, torch-compile-fp16-cl, each also with -graphs."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--backends", split = ",", paramLabel = "NAME",
            description = "Backends in order (default: cpu-plain,cpu-fast, and the GPU schedules when there is a GPU); "
                    + "the first one's logits are the reference the others are checked against.")
    List<String> backends;

    @Option(names = "--batch", split = ",", defaultValue = "1,8,32", description = "Batch sizes (default: 1,8,32).")
    List<Integer> batches;

    @Option(names = "--size", defaultValue = "224", description = "Input height and width (default: 224).")
    int size;

    @Option(names = "--threads", description = "Threads for every CPU backend, peers included (default: all cores).")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs per cell (default: 2).")
    int warmup;

    @Option(names = "--reps", defaultValue = "10", description = "Timed runs per cell (default: 10; at least 3).")
    int reps;

    @Option(names = "--max-seconds", defaultValue = "60", description = "Timed runs stop short of this per cell (default: 60).")
    double maxSeconds;

    @Option(names = "--time-budget", paramLabel = "SECONDS", description = "Wall time the whole run may take: the GPU "
            + "peers skip what would start past it (default: no limit).")
    Double timeBudget;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights (unless --weights) and inputs.")
    long seed;

    @Option(names = "--weights", paramLabel = "FILE_OR_NAME", description = "Weights: a file, or a pretrained name such "
            + "as resnet50.IMAGENET1K_V2 (default: seeded random ones).")
    String weights;

    @Mixin
    PretrainedOptions pretrained;

    @Option(names = "--baseline", description = "Backend the ratios divide by (default: onnxruntime if run, else the first).")
    String baseline;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the raw figures as JSON.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw throughput against batch size.")
    Path plot;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table as Markdown.")
    Path markdown;

    @Option(names = "--python", description = "Python with torch for the pytorch and onnxruntime peers "
            + "(default: $JRESNET_PYTHON or /usr/bin/python3).")
    String python = System.getenv().getOrDefault("JRESNET_PYTHON", "/usr/bin/python3");

    @Override
    public Integer call() throws Exception {
        ModelConfig config = model.config();
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<String> order = backends != null ? backends : defaultBackends();
        Path work = Files.createTempDirectory("jresnet-bench");
        Path weightsFile = weights != null ? pretrained.resolve(weights, config) : work.resolve("weights.safetensors");
        StateDict state = weights != null ? WeightsFiles.read(weightsFile) : RandomWeights.generate(config.graph(), seed);
        if (weights == null) {
            SafetensorsWriter.write(weightsFile, state, Map.of());
        }
        BenchSetup setup = new BenchSetup(config, state, weightsFile, threadCount, size, size,
                batches.stream().max(Integer::compare).orElse(1), work, python);
        Bench.Repetitions repetitions = new Bench.Repetitions(warmup, reps, maxSeconds,
                timeBudget != null ? timeBudget : Double.POSITIVE_INFINITY);
        List<Measurement> results = Bench.run(setup, order, batches, repetitions, seed, System.err::println);

        Map<String, String> env = new LinkedHashMap<>(Machine.describe());
        env.put("model", config.name() + " " + size + "x" + size);
        env.put("threads", Integer.toString(threadCount));
        env.put("repetitions", warmup + " warm-up, up to " + reps + " timed, " + maxSeconds + " s per cell");
        String base = baseline != null ? baseline : order.contains("onnxruntime") ? "onnxruntime" : order.get(0);
        BenchReport report = new BenchReport(env, results, base);
        env.forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.print(report.table());
        if (json != null) {
            report.writeJson(json);
        }
        if (markdown != null) {
            Files.writeString(markdown, report.markdown());
        }
        if (plot != null) {
            report.writeChart(config.name() + " " + size + "x" + size + ", " + threadCount + " threads", plot);
        }
        return 0;
    }

    private static List<String> defaultBackends() {
        List<String> list = new ArrayList<>(List.of("cpu-plain", "cpu-fast"));
        if (Gpu.probe().available()) {
            list.addAll(List.of("gpu-fused", "gpu-reference"));
        }
        return list;
    }
}
