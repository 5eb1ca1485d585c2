package dev.jresnet.bench;

import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Runs every backend on the same seeded batches, one after another in this process: for each batch size a few
 * warm-up runs, then timed repetitions (fewer when one run is slow: at least 3, and within maxSeconds per cell).
 * The first backend's logits are the reference every other backend's are compared with.
 */
public final class Bench {
    /** How many runs, and how long a cell may take. */
    public record Repetitions(int warmup, int reps, double maxSeconds) {
    }

    private Bench() {
    }

    /** Backend names this build knows: ours, the peers found by ServiceLoader, and "pytorch". */
    public static List<String> knownBackends() {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers()) {
            names.addAll(p.names());
        }
        names.add("pytorch");
        return names;
    }

    public static List<Measurement> run(BenchSetup setup, List<String> backends, List<Integer> batches, Repetitions r,
                                        long seed, Consumer<String> log) throws Exception {
        Shape in = new Shape(setup.config().graph().inputChannels(), setup.height(), setup.width());
        Map<Integer, Tensor> inputs = new LinkedHashMap<>();
        Map<Integer, Path> inputFiles = new LinkedHashMap<>();
        for (int b : batches) {
            Tensor t = SeededRandom.normal(seed + b, b, in.channels(), in.height(), in.width());
            inputs.put(b, t);
            Path f = setup.workDir().resolve("input_" + b + ".npy");
            Npy.write(f, t);
            inputFiles.put(b, f);
        }
        Map<Integer, Tensor> first = new LinkedHashMap<>();
        List<Measurement> all = new ArrayList<>();
        for (String name : backends) {
            log.accept("running " + name);
            if (name.equals("pytorch")) {
                all.addAll(PyTorchPeer.measure(setup, inputFiles, first, r.warmup(), r.reps(), r.maxSeconds()));
                continue;
            }
            try (Backend backend = create(name, setup)) {
                for (int b : batches) {
                    Measurement m = cell(backend, inputs.get(b), b, r, first, setup);
                    log.accept(String.format(java.util.Locale.ROOT, "  %s batch %d: median %.1f ms", name, b, m.medianMillis()));
                    all.add(m);
                }
            }
        }
        return all;
    }

    private static Measurement cell(Backend backend, Tensor input, int batch, Repetitions r, Map<Integer, Tensor> first,
                                    BenchSetup setup) throws Exception {
        resetPeaks();
        Tensor logits = null;
        long warmStart = System.nanoTime();
        for (int i = 0; i < Math.max(1, r.warmup()); i++) {
            logits = backend.run(input);
        }
        double perRun = (System.nanoTime() - warmStart) / 1e9 / Math.max(1, r.warmup());
        int reps = (int) Math.max(3, Math.min(r.reps(), Math.floor(r.maxSeconds() / Math.max(perRun, 1e-9))));
        OwnBackends.Cpu cpu = backend instanceof OwnBackends.Cpu c ? c : null;
        if (cpu != null) {
            cpu.times().clear();
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            backend.run(input);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        double gflops = Double.NaN;
        if (cpu != null) {
            long macs = 0;
            for (PlanOp op : cpu.net().plan(new Shape(input.dim(1), input.dim(2), input.dim(3))).ops()) {
                if (op instanceof PlanOp.ConvOp c) {
                    macs += c.spec().macs(c.outShape());
                }
            }
            gflops = 2.0 * macs * batch * reps / (cpu.times().nanos(PlanOp.ConvOp.class) / 1e9) / 1e9;
        }
        first.putIfAbsent(batch, logits);
        double deviation = Metrics.relativeL2(logits.data(), first.get(batch).data());
        return new Measurement(backend.name(), backend.details(), batch, millis, peakHeapMiB(), gflops, deviation);
    }

    private static Backend create(String name, BenchSetup setup) throws Exception {
        for (BackendProvider p : providers()) {
            if (p.names().contains(name)) {
                return p.create(name, setup);
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; this build has " + knownBackends()
                + " (peers such as onnxruntime need the jar built with -Ppeers)");
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>(List.of(new OwnBackends()));
        ServiceLoader.load(BackendProvider.class).forEach(list::add);
        return list;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static double peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / 1048576.0;
    }
}
