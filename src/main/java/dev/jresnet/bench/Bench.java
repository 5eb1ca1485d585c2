package dev.jresnet.bench;

import dev.jresnet.image.Preprocessing;
import dev.jresnet.image.RgbImage;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.plan.Planner;
import dev.jresnet.plan.PlannerOptions;
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
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Runs every backend on the same seeded batches, one after another in this process: for each batch size a few
 * warm-up runs, then timed repetitions (fewer when one run is slow: at least 3, and within maxSeconds per cell).
 * The first backend's logits are the reference every other backend's are compared with. A backend that fails is
 * skipped with a line saying why ("skipped NAME: ..."); the run fails only when none could be measured. A 3-channel model's batches
 * are random 8-bit images normalized with ImageNet's mean and std, so that backends taking the images themselves
 * (gpu-...-u8) see the same input.
 */
public final class Bench {
    /**
     * How many runs, how long a cell may take, and how long the whole run may take (infinite: no limit), which the
     * GPU peers use to skip what would run past it (compiling for a new shape takes minutes).
     */
    public record Repetitions(int warmup, int reps, double maxSeconds, double budgetSeconds) {
        public Repetitions(int warmup, int reps, double maxSeconds) {
            this(warmup, reps, maxSeconds, Double.POSITIVE_INFINITY);
        }
    }

    private Bench() {
    }

    /** Backend names this build knows: ours, the peers found by ServiceLoader, "pytorch" and PyTorch's GPU modes. */
    public static List<String> knownBackends() {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers()) {
            names.addAll(p.names());
        }
        names.add("pytorch");
        names.addAll(PyTorchGpuPeer.MODES);
        return names;
    }

    public static List<Measurement> run(BenchSetup setup, List<String> backends, List<Integer> batches, Repetitions r,
                                        long seed, Consumer<String> log) throws Exception {
        long start = System.nanoTime();
        Shape in = new Shape(setup.config().graph().inputChannels(), setup.height(), setup.width());
        Map<Integer, Tensor> inputs = new LinkedHashMap<>();
        Map<Integer, Path> inputFiles = new LinkedHashMap<>();
        for (int b : batches) {
            Tensor t = in.channels() == 3 ? images(seed + b, b, in.height(), in.width())
                    : SeededRandom.normal(seed + b, b, in.channels(), in.height(), in.width());
            inputs.put(b, t);
            Path f = setup.workDir().resolve("input_" + b + ".npy");
            Npy.write(f, t);
            inputFiles.put(b, f);
        }
        for (String name : backends) {
            if (!knownBackends().contains(name) && providers().stream().noneMatch(p -> p.has(name))) {
                throw new IllegalArgumentException("unknown backend '" + name + "'; this build has " + knownBackends()
                        + " (peers such as onnxruntime need the jar built with -Ppeers)");
            }
        }
        Map<Integer, Tensor> first = new LinkedHashMap<>();
        List<Measurement> all = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        double flopsPerImage = flopsPerImage(setup);
        List<String> gpuPeers = backends.stream().filter(PyTorchGpuPeer.MODES::contains).toList();
        for (String name : backends) {
            if (gpuPeers.contains(name) && !name.equals(gpuPeers.get(0))) {
                continue; // measured with the first of them
            }
            try {
                if (gpuPeers.contains(name)) {
                    log.accept("running " + String.join(", ", gpuPeers));
                    double left = r.budgetSeconds() - (System.nanoTime() - start) / 1e9;
                    all.addAll(PyTorchGpuPeer.measure(setup, gpuPeers, inputFiles, first, r, left, flopsPerImage, log));
                } else if (name.equals("pytorch")) {
                    log.accept("running " + name);
                    all.addAll(PyTorchPeer.measure(setup, inputFiles, first, r.warmup(), r.reps(), r.maxSeconds()));
                } else {
                    log.accept("running " + name);
                    try (Backend backend = create(name, setup)) {
                        for (int b : batches) {
                            Measurement m = cell(backend, inputs.get(b), b, r, first, flopsPerImage);
                            log.accept(String.format(Locale.ROOT, "  %s batch %d: median %.1f ms", name, b,
                                    m.medianMillis()));
                            all.add(m);
                        }
                    }
                }
            } catch (Exception e) {
                // One backend this machine cannot run (a GPU too old for a precision, a library refusing a shape, a
                // peer missing) costs its rows, not the run's.
                skipped.add(name + ": " + e);
                log.accept("skipped " + name + ": " + e);
            }
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("no backend could be measured: " + String.join("; ", skipped));
        }
        return all;
    }

    /** Random 8-bit RGB images, normalized as torchvision's ImageNet transform does: (n, 3, h, w). */
    private static Tensor images(long seed, int n, int h, int w) {
        Random random = new Random(seed);
        Tensor t = Tensor.zeros(n, 3, h, w);
        byte[] rgb = new byte[h * w * 3];
        for (int i = 0; i < n; i++) {
            random.nextBytes(rgb);
            float[] image = Preprocessing.IMAGENET.normalize(new RgbImage(w, h, rgb)).data();
            System.arraycopy(image, 0, t.data(), i * image.length, image.length);
        }
        return t;
    }

    /** 2 x the multiply-adds of the model's convolutions and classifier, per image at the setup's input size. */
    static double flopsPerImage(BenchSetup s) {
        Shape in = new Shape(s.config().graph().inputChannels(), s.height(), s.width());
        long macs = 0;
        for (PlanOp op : Planner.plan(s.config().graph(), s.weights(), s.weightsFile().toString(), in, PlannerOptions.FUSED).ops()) {
            if (op instanceof PlanOp.ConvOp c) {
                macs += c.spec().macs(c.outShape());
            } else if (op instanceof PlanOp.LinearOp l) {
                macs += (long) l.inFeatures() * l.outFeatures();
            }
        }
        return 2.0 * macs;
    }

    private static Measurement cell(Backend backend, Tensor input, int batch, Repetitions r, Map<Integer, Tensor> first,
                                    double flopsPerImage) throws Exception {
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
        if (backend instanceof OwnBackends.Gpu gpu) {
            return new Measurement(backend.name(), backend.details(), batch, millis, peakHeapMiB(), gflops, deviation,
                    gpu.gpuMiB(), flopsPerImage, GpuPeaks.of(gpu.gpuName(), gpu.precision()));
        }
        return new Measurement(backend.name(), backend.details(), batch, millis, peakHeapMiB(), gflops, deviation);
    }

    private static Backend create(String name, BenchSetup setup) throws Exception {
        for (BackendProvider p : providers()) {
            if (p.has(name)) {
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
