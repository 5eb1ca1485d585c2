package dev.jresnet.bench;

import dev.jresnet.cpu.FmaPeak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a benchmark ran on: date, CPU model, cores, clock, the FMA peak that implies, and the JVM. */
public final class Machine {
    private Machine() {
    }

    public static Map<String, String> describe() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        List<String> cpuinfo = cpuinfo();
        String model = field(cpuinfo, "model name");
        String mhz = field(cpuinfo, "cpu MHz");
        int cores = Runtime.getRuntime().availableProcessors();
        env.put("cpu", model + ", " + cores + " cores available" + (mhz.isEmpty() ? "" : ", " + mhz + " MHz (/proc/cpuinfo)"));
        String flags = " " + field(cpuinfo, "flags") + " ";
        if (!mhz.isEmpty() && flags.contains(" fma ")) {
            // 2 FMA units x 8 fp32 lanes (AVX2) or 16 (AVX-512) x 2 flops per cycle per core
            int lanes = flags.contains(" avx512f ") ? 16 : 8;
            double peak = cores * Double.parseDouble(mhz) / 1000 * 2 * lanes * 2;
            env.put("fp32 FMA peak, nominal", String.format(Locale.ROOT, "%.0f GFLOP/s (cores x /proc/cpuinfo clock x 2 FMA units "
                    + "x %d lanes x 2)", peak, lanes));
        }
        double measured = FmaPeak.measure(cores);
        if (!Double.isNaN(measured)) {
            env.put("fp32 FMA peak, measured", String.format(Locale.ROOT, "%.0f GFLOP/s (%d threads of register-only %d-bit FMA "
                    + "chains; the clock the cores really run at)", measured, cores, FmaPeak.vectorBits()));
        }
        env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("vector api", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "on" : "off (scalar kernels)");
        return env;
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String field(List<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name) && line.contains(":")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "";
    }
}
