package dev.jresnet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.gpu.Gpu;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * PyTorch on the GPU as peers (scripts/bench_pytorch_gpu.py says what each mode is): eager fp32 with TF32 off and on,
 * fp16 channels-last, and torch.compile(mode="max-autotune") of that, each with and without CUDA graphs, on the same
 * weights and input files, timed end to end like jresnet's GPU backends. All the modes asked for run in one Python
 * process; what it could not run, or had no time left for, it says, and the rest is reported.
 */
final class PyTorchGpuPeer {
    static final List<String> MODES = List.of("torch-fp32", "torch-fp32-graphs", "torch-tf32", "torch-tf32-graphs",
            "torch-fp16-cl", "torch-fp16-cl-graphs", "torch-compile-fp16-cl", "torch-compile-fp16-cl-graphs");

    private PyTorchGpuPeer() {
    }

    /**
     * @param secondsLeft what is left of the benchmark's time budget (infinite: no limit); the script skips the cells
     *                    that would start past it, and is stopped a minute after it
     */
    static List<Measurement> measure(BenchSetup s, List<String> modes, Map<Integer, Path> inputs, Map<Integer, Tensor> first,
                                     Bench.Repetitions r, double secondsLeft, double flopsPerImage, Consumer<String> log)
            throws IOException, InterruptedException {
        if (!(s.config() instanceof ResNetConfig rc)) {
            throw new IllegalArgumentException("the PyTorch peers run torchvision's architectures only, not " + s.config().name());
        }
        Path results = s.workDir().resolve("pytorch-gpu.json");
        Files.deleteIfExists(results);
        int smallest = inputs.keySet().stream().min(Integer::compare).orElseThrow();
        int largest = inputs.keySet().stream().max(Integer::compare).orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(s.python(), "scripts/bench_pytorch_gpu.py", "--arch", rc.name(),
                "--num-classes", Integer.toString(rc.numClasses()), "--weights", s.weightsFile().toString(),
                "--modes", String.join(",", modes), "--warmup", Integer.toString(r.warmup()), "--reps", Integer.toString(r.reps()),
                "--max-seconds", Double.toString(r.maxSeconds()), "--compile-batches", smallest + "," + largest,
                "--out", results.toString(), "--logits-dir", s.workDir().toString()));
        if (Double.isFinite(secondsLeft)) {
            cmd.addAll(List.of("--deadline", String.format(Locale.ROOT, "%.0f", System.currentTimeMillis() / 1000.0 + secondsLeft)));
        }
        for (Map.Entry<Integer, Path> e : inputs.entrySet()) {
            cmd.add("--input");
            cmd.add(e.getKey() + "=" + e.getValue());
        }
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", Path.of("scripts").toAbsolutePath().toString());
        Path output = s.workDir().resolve("pytorch-gpu.log");
        Process p = builder.redirectOutput(output.toFile()).start();
        p.getOutputStream().close();
        long limit = Double.isFinite(secondsLeft) ? (long) Math.max(60, secondsLeft + 60) : 24 * 3600;
        boolean finished = p.waitFor(limit, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
            log.accept("scripts/bench_pytorch_gpu.py stopped after " + limit + " s; reporting what it measured");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        text.lines().forEach(log);
        if (!Files.exists(results)) {
            throw new IOException("scripts/bench_pytorch_gpu.py measured nothing:\n" + text);
        }
        List<Measurement> out = new ArrayList<>();
        JsonNode root = new ObjectMapper().readTree(results.toFile());
        String gpuName = Gpu.probe().info().map(i -> i.name()).orElse(null);
        for (JsonNode row : root.get("results")) {
            String mode = row.get("backend").asText();
            int batch = row.get("batch").asInt();
            List<Double> millis = new ArrayList<>();
            row.get("millis").forEach(m -> millis.add(m.asDouble()));
            Tensor logits = Npy.read(Path.of(row.get("logits").asText()));
            first.putIfAbsent(batch, logits);
            double deviation = Metrics.relativeL2(logits.data(), first.get(batch).data());
            out.add(new Measurement(mode, row.get("details").asText(), batch, millis, Double.NaN, Double.NaN, deviation,
                    row.get("gpu_mib").asDouble(), flopsPerImage, GpuPeaks.of(gpuName, precision(mode))));
        }
        return out;
    }

    /** The precision of a mode, for its device peak. */
    private static String precision(String mode) {
        return mode.contains("fp16") ? "fp16" : mode.contains("tf32") ? "tf32" : "fp32";
    }
}
