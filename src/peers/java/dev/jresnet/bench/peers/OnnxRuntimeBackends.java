package dev.jresnet.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jresnet.bench.Backend;
import dev.jresnet.bench.BackendProvider;
import dev.jresnet.bench.BenchSetup;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Tensor;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ONNX Runtime's Java API on the CPU as a benchmark peer: torchvision's model with the same weights, exported to ONNX
 * by scripts/export_onnx.py, run at ORT's highest graph optimisation level (where its fast NCHWc kernels are) with as
 * many intra-op threads as our own backends get. Only in the jar built with -Ppeers.
 */
public final class OnnxRuntimeBackends implements BackendProvider {
    @Override
    public List<String> names() {
        return List.of("onnxruntime");
    }

    @Override
    public Backend create(String name, BenchSetup s) throws Exception {
        if (!(s.config() instanceof ResNetConfig rc)) {
            throw new IllegalArgumentException("the onnxruntime peer runs torchvision's architectures only, not " + s.config().name());
        }
        Path onnx = s.workDir().resolve(rc.name() + ".onnx");
        export(s, rc, onnx);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(s.threads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        return new Ort(env, env.createSession(onnx.toString(), options), s.threads());
    }

    private static void export(BenchSetup s, ResNetConfig rc, Path onnx) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(s.python(), "scripts/export_onnx.py", "--arch", rc.name(), "--num-classes",
                Integer.toString(rc.numClasses()), "--weights", s.weightsFile().toString(), "--out", onnx.toString(),
                "--size", Integer.toString(s.height())).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("scripts/export_onnx.py failed:\n" + output);
        }
    }

    private static final class Ort implements Backend {
        private final OrtEnvironment env;
        private final OrtSession session;
        private final int threads;

        Ort(OrtEnvironment env, OrtSession session, int threads) {
            this.env = env;
            this.session = session;
            this.threads = threads;
        }

        @Override
        public String name() {
            return "onnxruntime";
        }

        @Override
        public Tensor run(Tensor batch) throws OrtException {
            long[] shape = {batch.dim(0), batch.dim(1), batch.dim(2), batch.dim(3)};
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data()), shape);
                 OrtSession.Result result = session.run(Map.of("input", input))) {
                float[][] logits = (float[][]) result.get(0).getValue();
                float[] flat = new float[logits.length * logits[0].length];
                for (int n = 0; n < logits.length; n++) {
                    System.arraycopy(logits[n], 0, flat, n * logits[0].length, logits[0].length);
                }
                return new Tensor(new int[]{logits.length, logits[0].length}, flat);
            }
        }

        @Override
        public String details() {
            return "ONNX Runtime " + env.getVersion() + ", ALL_OPT, " + threads + " intra-op threads";
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing the ONNX Runtime session", e);
            }
        }
    }
}
