package dev.jresnet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch on the CPU as a peer: scripts/bench_pytorch.py times torchvision's model in eager mode on the same weights
 * and the same input files, with torch.set_num_threads equal to our thread count, and reports its own timings.
 */
final class PyTorchPeer {
    private PyTorchPeer() {
    }

    static List<Measurement> measure(BenchSetup s, Map<Integer, Path> inputs, Map<Integer, Tensor> firstLogits, int warmup,
                                     int reps, double maxSeconds) throws IOException, InterruptedException {
        if (!(s.config() instanceof ResNetConfig rc)) {
            throw new IllegalArgumentException("the pytorch peer runs torchvision's architectures only, not " + s.config().name());
        }
        Path results = s.workDir().resolve("pytorch.json");
        List<String> cmd = new ArrayList<>(List.of(s.python(), "scripts/bench_pytorch.py", "--arch", rc.name(),
                "--num-classes", Integer.toString(rc.numClasses()), "--weights", s.weightsFile().toString(),
                "--threads", Integer.toString(s.threads()), "--warmup", Integer.toString(warmup), "--reps", Integer.toString(reps),
                "--max-seconds", Double.toString(maxSeconds), "--out", results.toString(), "--logits-dir", s.workDir().toString()));
        for (Map.Entry<Integer, Path> e : inputs.entrySet()) {
            cmd.add("--input");
            cmd.add(e.getKey() + "=" + e.getValue());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("scripts/bench_pytorch.py failed:\n" + output);
        }
        List<Measurement> out = new ArrayList<>();
        JsonNode root = new ObjectMapper().readTree(results.toFile());
        for (JsonNode r : root.get("results")) {
            int batch = r.get("batch").asInt();
            List<Double> millis = new ArrayList<>();
            r.get("millis").forEach(m -> millis.add(m.asDouble()));
            Tensor logits = Npy.read(Path.of(r.get("logits").asText()));
            double deviation = firstLogits.containsKey(batch)
                    ? Metrics.relativeL2(logits.data(), firstLogits.get(batch).data()) : 0;
            out.add(new Measurement("pytorch", root.get("details").asText(), batch, millis, Double.NaN, Double.NaN, deviation));
        }
        return out;
    }
}
