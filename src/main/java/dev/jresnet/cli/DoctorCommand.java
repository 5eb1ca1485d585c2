package dev.jresnet.cli;

import dev.jresnet.gpu.Gpu;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet18;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.weights.RandomWeights;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the GPU setup: the NVIDIA libraries found and loaded, the GPU, driver, cuDNN and cuBLAS "
                + "versions. Exits 1 when the GPU path cannot run, saying why."})
final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Gpu.Status status = Gpu.probe();
        var libraries = status.libraries();
        System.out.println("Libraries loaded:");
        libraries.loaded().forEach(l -> System.out.println("  " + l));
        libraries.notes().forEach(n -> System.out.println("  note: " + n));
        if (!status.available()) {
            System.out.println("GPU: " + status.reason());
            System.out.println("Folders searched: " + libraries.searched().stream().map(Path::toString).toList());
            System.out.println("Set JRESNET_LIBRARY_PATH to the folders holding libcudnn.so.9 and libcublas.so.12/.13.");
            return 1;
        }
        System.out.println(status.info().orElseThrow().describe());
        // A real network end to end: handles, our kernels, cuDNN and cuBLAS all in use.
        var weights = RandomWeights.generate(ResNetConfig.named("resnet18").graph(), 0);
        try (GpuResNet18 net = new GpuResNet18(weights, "seeded weights", GpuOptions.defaults().withMaxBatch(1))) {
            int v = net.cublasVersion();
            System.out.println("cuBLAS " + v / 10000 + "." + (v % 10000) / 100 + "." + v % 100 + "; our kernels loaded; "
                    + "resnet18 built on the GPU");
        }
        return 0;
    }
}
