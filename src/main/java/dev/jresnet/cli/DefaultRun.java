package dev.jresnet.cli;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.Gpu;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet18;
import dev.jresnet.model.ModelSummary;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.plan.Schedule;
import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.tensor.TopK;
import dev.jresnet.weights.RandomWeights;
import dev.jresnet.weights.StateDict;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The embedded default job: resnet18 with seeded random weights on a seeded synthetic batch at 224x224, run with
 * the fused plan (BatchNorm folded) and the reference plan (BatchNorm as its own op) on the CPU, and with both GPU
 * schedules when there is a GPU (saying why not when there is none); prints the top-5 classes, the time per image
 * and how closely the paths agree.
 */
final class DefaultRun implements Callable<Integer> {
    private static final int BATCH = 2;
    private static final long SEED = 0;

    @Override
    public Integer call() {
        ResNetConfig config = ResNetConfig.named("resnet18");
        var graph = config.graph();
        Shape input = new Shape(3, 224, 224);
        ModelSummary summary = ModelSummary.of(graph, input);
        System.out.printf(Locale.ROOT, "jresnet: %s, %,d parameters, %.2f GMACs per image, seeded weights (seed %d)%n",
                config.name(), summary.parameters(), summary.macs() / 1e9, SEED);
        StateDict weights = RandomWeights.generate(graph, SEED);
        Tensor batch = SeededRandom.normal(SEED, BATCH, 3, 224, 224);

        Tensor fused = timed("cpu, fused plan (BN folded)", config, weights, PlannerOptions.FUSED, batch);
        Tensor reference = timed("cpu, reference plan (BN kept)", config, weights, PlannerOptions.REFERENCE, batch);
        Gpu.Status gpu = Gpu.probe();
        if (gpu.available()) {
            System.out.println(gpu.info().orElseThrow().describe());
            for (Schedule schedule : Schedule.values()) {
                Tensor onGpu = timedGpu(schedule, weights, batch);
                System.out.printf(Locale.ROOT, "gpu %s schedule vs cpu: relative L2 difference %.2e%n",
                        schedule.name().toLowerCase(Locale.ROOT), Metrics.relativeL2(onGpu.data(), fused.data()));
            }
        } else {
            System.out.println("no GPU, so the CPU path only: " + gpu.reason());
        }
        for (int n = 0; n < BATCH; n++) {
            System.out.printf(Locale.ROOT, "image %d top-5: %s%n", n, formatTopK(fused, n));
        }
        System.out.printf(Locale.ROOT, "fused vs reference plan: relative L2 difference %.2e over %d logits%n",
                Metrics.relativeL2(fused.data(), reference.data()), fused.size());
        return 0;
    }

    private static String formatTopK(Tensor logits, int row) {
        StringBuilder s = new StringBuilder();
        for (TopK.Entry e : TopK.of(logits, row, 5)) {
            s.append(String.format(Locale.ROOT, "%d (%.3f)  ", e.index(), e.value()));
        }
        return s.toString().trim();
    }

    private static Tensor timedGpu(Schedule schedule, StateDict weights, Tensor batch) {
        try (GpuResNet18 net = new GpuResNet18(weights, "seeded weights", GpuOptions.defaults().withSchedule(schedule)
                .withMaxBatch(batch.dim(0)))) {
            net.forward(batch); // the first batch pays for lazy initialisation
            long start = System.nanoTime();
            Tensor logits = net.forward(batch);
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf(Locale.ROOT, "%-32s %d images in %8.1f ms (%.2f ms per image, second call)%n",
                    "gpu, " + schedule.name().toLowerCase(Locale.ROOT) + " schedule", batch.dim(0), ms, ms / batch.dim(0));
            return logits;
        }
    }

    private static Tensor timed(String label, ResNetConfig config, StateDict weights, PlannerOptions options, Tensor batch) {
        try (CpuResNet net = CpuResNet.create(config, weights, "seeded weights", options)) {
            long start = System.nanoTime();
            Tensor logits = net.forward(batch);
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf(Locale.ROOT, "%-32s %d images in %8.1f ms (%.1f ms per image, first call)%n", label,
                    batch.dim(0), ms, ms / batch.dim(0));
            return logits;
        }
    }
}
