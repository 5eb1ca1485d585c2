package dev.jresnet.bench;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The dense (no sparsity) peak throughput NVIDIA's datasheets give for some GPUs, by precision: fp16 and bf16 on
 * tensor cores with float32 accumulation, tf32 on tensor cores, and fp32 on the ordinary cores (what fp32 without
 * TF32 runs on). For the benchmark's "of peak" column; a GPU not listed has none.
 */
final class GpuPeaks {
    /** One GPU: words of its name as CUDA reports it ("NVIDIA H100 PCIe"), and its peaks in TFLOP/s. */
    private record Peak(String name, double fp16, double tf32, double fp32) {
        boolean names(String gpu) {
            return Pattern.compile("(^|\\W)" + Pattern.quote(name) + "($|\\W)").matcher(gpu).find();
        }
    }

    // Most specific names first: "H100 PCIe" before "H100".
    private static final List<Peak> PEAKS = List.of(
            new Peak("H200 NVL", 835, 417, 60),
            new Peak("H200", 989, 495, 67),
            new Peak("H100 NVL", 835, 417, 60),
            new Peak("H100 PCIe", 756, 378, 51),
            new Peak("H100", 989, 495, 67),
            new Peak("A100", 312, 156, 19.5),
            new Peak("L40S", 362, 183, 91.6),
            new Peak("L4", 121, 60, 30.3),
            new Peak("A10", 125, 62.5, 31.2),
            new Peak("T4", 65, 8.1, 8.1));

    private GpuPeaks() {
    }

    /** TFLOP/s the GPU named can reach in that precision ("fp32", "tf32", "fp16", "bf16"), or NaN when not known. */
    static double of(String gpuName, String precision) {
        if (gpuName == null) {
            return Double.NaN;
        }
        for (Peak p : PEAKS) {
            if (p.names(gpuName)) {
                return switch (precision.toLowerCase(Locale.ROOT)) {
                    case "fp16", "bf16" -> p.name().equals("T4") && precision.equalsIgnoreCase("bf16") ? Double.NaN : p.fp16();
                    case "tf32" -> p.tf32();
                    case "fp32" -> p.fp32();
                    default -> Double.NaN;
                };
            }
        }
        return Double.NaN;
    }
}
