package dev.jresnet.gpu.internal;

import dev.jresnet.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed PTX is what cuda-kernels/ builds to today, declares what CUDA 12 and 13 drivers load, and assembles for
 * every GPU from Turing on.
 */
class PtxTest {
    @Test
    void committedPtxIsCurrent(@TempDir Path dir) throws Exception {
        Tools.require("nvcc");
        Tools.run("scripts/build-ptx.sh", dir.toString());
        for (String name : KernelModule.PTX_FILES) {
            assertEquals(Files.readString(dir.resolve(name + ".ptx")), Files.readString(Path.of("native/ptx", name + ".ptx")),
                    name + ".ptx is stale: run scripts/build-ptx.sh and commit native/ptx");
        }
        try (var sources = Files.list(Path.of("cuda-kernels"))) {
            // .cu files are kernels; headers they share (.cuh) are not built on their own.
            List<String> kernels = sources.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".cu"))
                    .map(f -> f.substring(0, f.length() - ".cu".length())).sorted().toList();
            assertEquals(List.of(KernelModule.PTX_FILES).stream().sorted().toList(), kernels,
                    "every kernel source is loaded by KernelModule, and nothing else");
        }
    }

    @Test
    void ptxTargetsTuringAtAnIsaThatCuda12DriversLoad() throws Exception {
        for (String name : KernelModule.PTX_FILES) {
            List<String> lines = Files.readAllLines(Path.of("native/ptx", name + ".ptx"));
            assertEquals(List.of(".target sm_75"), lines.stream().filter(l -> l.startsWith(".target")).toList(),
                    name + ".ptx: compute_75, so that Turing and every later GPU can run it");
            List<String> versions = lines.stream().filter(l -> l.startsWith(".version ")).toList();
            assertEquals(1, versions.size(), name + ".ptx: one .version line");
            String[] v = versions.get(0).substring(".version ".length()).trim().split("\\.");
            int major = Integer.parseInt(v[0]);
            int minor = Integer.parseInt(v[1]);
            // A CUDA 12.0 driver (525) loads PTX ISA up to 8.0.
            assertTrue(major < 8 || major == 8 && minor == 0, name + ".ptx declares " + versions.get(0)
                    + ", which a CUDA 12.0 driver cannot load");
        }
    }

    @Test
    void ptxAssemblesForEveryGpuFromTuringOn() {
        String ptxas = Tools.require("ptxas");
        // Every sm_XY ptxas 13 knows (Turing through Blackwell); the driver's JIT is this assembler.
        List<String> architectures = List.of("sm_75", "sm_80", "sm_86", "sm_87", "sm_88", "sm_89", "sm_90", "sm_100",
                "sm_103", "sm_110", "sm_120", "sm_121");
        for (String name : KernelModule.PTX_FILES) {
            for (String arch : architectures) {
                Tools.run(ptxas, "-arch=" + arch, "native/ptx/" + name + ".ptx", "-o", "/dev/null");
            }
        }
    }

    @Test
    void everyKernelTheLaunchersUseIsInThePtx() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String name : KernelModule.PTX_FILES) {
            all.append(new String(KernelModule.readPtx(name), StandardCharsets.US_ASCII));
        }
        for (DevicePrecision precision : DevicePrecision.values()) {
            for (Kernels.Kernel k : Kernels.Kernel.values()) {
                boolean conversion = k == Kernels.Kernel.NARROW_INPUT || k == Kernels.Kernel.WIDEN_OUTPUT;
                if (conversion && !precision.channelsLast()) {
                    continue;
                }
                String kernel = Kernels.name(k, precision);
                assertTrue(all.indexOf(".visible .entry " + kernel + "(") >= 0, kernel + " missing from the PTX");
            }
        }
    }

    @Test
    void eachKernelSourceSaysWhatItComputesAndHowItIsLaunched() throws Exception {
        for (String name : KernelModule.PTX_FILES) {
            List<String> lines = Files.readAllLines(Path.of("cuda-kernels", name + ".cu"));
            assertTrue(lines.get(0).startsWith("// ") && lines.get(0).contains("="), name + ".cu: first line is the math");
            assertTrue(lines.stream().limit(4).anyMatch(l -> l.startsWith("// Launch:")), name + ".cu: launch shape");
        }
    }
}
