package dev.jresnet.bench;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.plan.Precision;
import dev.jresnet.plan.Schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One of jresnet's own bench backends, named in the words the rest of jresnet uses for the same choices: the device
 * ({@code cpu}, {@code gpu}), then any of a schedule ({@link Schedule#label()}: fused, reference), a precision
 * ({@link Precision#label()}: fp32, tf32, fp16, bf16), on the CPU its kernels ({@link CpuOptions.Kernels#label()}:
 * fast, plain), on the GPU {@code u8} (8-bit images normalized on the device, as classify sends them) and
 * {@code nographs} (every step launched, no CUDA graph), joined by '-'. What is not named is the default: fused, fp32,
 * fast kernels, float32 input, CUDA graphs. So {@code cpu-plain}, {@code gpu-reference}, {@code gpu-fp16-u8}.
 *
 * @param gpu      whether the backend is a GPU network
 * @param kernels  the CPU's kernels (FAST on the GPU, where there is no choice)
 * @param schedule the plan
 * @param precision the arithmetic
 * @param images   GPU: 8-bit images in, normalized on the device
 * @param graphs   GPU: forward passes replayed as CUDA graphs
 */
record BackendName(boolean gpu, CpuOptions.Kernels kernels, Schedule schedule, Precision precision, boolean images,
                   boolean graphs) {
    private static final String U8 = "u8";
    private static final String NO_GRAPHS = "nographs";

    /**
     * @throws InvalidOptionException naming the word that is not part of a backend name, or one used twice or on the
     *                                wrong device
     */
    static BackendName parse(String name) {
        String[] words = name.split("-", -1);
        boolean gpu = words[0].equals("gpu");
        if (!gpu && !words[0].equals("cpu")) {
            throw new InvalidOptionException("backend " + name + " does not start with cpu or gpu");
        }
        CpuOptions.Kernels kernels = null;
        Schedule schedule = null;
        Precision precision = null;
        boolean images = false;
        boolean graphs = true;
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            Schedule s = find(Schedule.values(), w, Schedule::label);
            Precision p = find(Precision.values(), w, Precision::label);
            CpuOptions.Kernels k = find(CpuOptions.Kernels.values(), w, CpuOptions.Kernels::label);
            if (s != null && schedule == null) {
                schedule = s;
            } else if (p != null && precision == null) {
                precision = p;
            } else if (k != null && kernels == null && !gpu) {
                kernels = k;
            } else if (w.equals(U8) && gpu && !images) {
                images = true;
            } else if (w.equals(NO_GRAPHS) && gpu && graphs) {
                graphs = false;
            } else {
                throw new InvalidOptionException("backend " + name + ": '" + w + "' is not one of " + vocabulary(gpu)
                        + ", or is named twice");
            }
        }
        return new BackendName(gpu, kernels != null ? kernels : CpuOptions.Kernels.FAST,
                schedule != null ? schedule : Schedule.FUSED, precision != null ? precision : Precision.FP32, images, graphs);
    }

    /** The words a backend name of that device may hold after the device, for messages and help. */
    static String vocabulary(boolean gpu) {
        List<String> words = new ArrayList<>();
        for (Schedule s : Schedule.values()) {
            words.add(s.label());
        }
        for (Precision p : Precision.values()) {
            words.add(p.label());
        }
        if (gpu) {
            words.addAll(List.of(U8, NO_GRAPHS));
        } else {
            for (CpuOptions.Kernels k : CpuOptions.Kernels.values()) {
                words.add(k.label());
            }
        }
        return String.join(", ", words);
    }

    private static <T> T find(T[] values, String word, Function<T, String> label) {
        for (T v : values) {
            if (label.apply(v).equals(word.toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        return null;
    }
}
