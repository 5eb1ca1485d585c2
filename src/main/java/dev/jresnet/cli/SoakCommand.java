package dev.jresnet.cli;

import dev.jresnet.Device;
import dev.jresnet.ResNetModel;
import dev.jresnet.bench.MemorySnapshot;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.weights.RandomWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Run many batches through one network and report memory at intervals: Java heap after GC, "
                + "native buffers, resident set, pinned pages and free GPU memory. A leak shows as growth."})
final class SoakCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions device;

    @Option(names = "--batches", defaultValue = "5000", description = "Batches to run (default: 5000).")
    int batches;

    @Option(names = "--batch", defaultValue = "4", description = "Images per batch (default: 4).")
    int batch;

    @Option(names = "--size", defaultValue = "64", description = "Input height and width (default: 64).")
    int size;

    @Option(names = "--every", defaultValue = "500", description = "Report every N batches (default: 500).")
    int every;

    @Override
    public Integer call() throws Exception {
        Options.atLeast("--batches", batches, 1);
        Options.atLeast("--every", every, 1);
        Options.atLeast("--batch", batch, 1);
        Options.atLeast("--size", size, 1);
        ModelConfig config = model.config();
        Tensor input = SeededRandom.normal(1, batch, config.graph().inputChannels(), size, size);
        ResNetModel.Builder builder = device.configure(ResNetModel.builder().config(config)
                .weights(RandomWeights.generate(config.graph(), 1), "seeded weights").inputSize(size, size))
                .maxBatch(Math.min(batch, device.maxBatch));
        try (ResNetModel net = builder.build()) {
            boolean gpu = net.device().kind() == Device.Kind.GPU;
            System.out.printf("%s, %d batches of %d at %dx%d on %s%n", config.name(), batches, batch, size, size, net.deviceChoice());
            System.out.println("  batches   heap MiB  direct MiB    RSS MiB  pinned MiB  GPU free MiB   ms/batch");
            net.forward(input); // warm-up: lazy plans, algorithms and JIT before the first figure
            report(0, MemorySnapshot.take(gpu), 0);
            // Growth is measured from the end of the first interval: during it the JVM still sizes its heap and
            // compiles, which moves the resident set by hundreds of MiB without any leak.
            MemorySnapshot steady = null;
            MemorySnapshot last = null;
            int steadyFrom = 0;
            long start = System.nanoTime();
            int sinceReport = 0;
            for (int i = 1; i <= batches; i++) {
                net.forward(input);
                sinceReport++;
                if (i % every == 0 || i == batches) {
                    double ms = (System.nanoTime() - start) / 1e6 / sinceReport;
                    last = report(i, MemorySnapshot.take(gpu), ms);
                    if (steady == null) {
                        steady = last;
                        steadyFrom = i;
                    }
                    start = System.nanoTime();
                    sinceReport = 0;
                }
            }
            System.out.printf(Locale.ROOT, "growth from batch %d (after the first interval's warm-up) to the last report: heap %+.1f MiB, "
                            + "RSS %+.1f MiB, pinned %+.1f MiB%s%n", steadyFrom,
                    mib(last.heapBytes() - steady.heapBytes()), mib(last.residentBytes() - steady.residentBytes()),
                    mib(last.lockedBytes() - steady.lockedBytes()),
                    gpu ? String.format(Locale.ROOT, ", GPU used %+.1f MiB", mib(steady.deviceFreeBytes() - last.deviceFreeBytes())) : "");
        }
        return 0;
    }

    private static MemorySnapshot report(int done, MemorySnapshot m, double msPerBatch) {
        System.out.printf(Locale.ROOT, "%9d %10.1f %11.1f %10.1f %11.1f %13s %10.2f%n", done, mib(m.heapBytes()), mib(m.directBytes()),
                mib(m.residentBytes()), mib(m.lockedBytes()), m.deviceFreeBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f",
                        mib(m.deviceFreeBytes())), msPerBatch);
        return m;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
