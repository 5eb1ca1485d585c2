package dev.jresnet.bench;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet;
import dev.jresnet.gpu.Schedule;
import dev.jresnet.plan.OpTimes;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jresnet's backends: cpu-plain and cpu-fast (with the setup's thread count), and on the GPU
 * gpu-SCHEDULE[-PRECISION][-u8][-nographs]: the fused or reference schedule, fp32 unless tf32, fp16 or bf16 is named,
 * float32 batches unless -u8 (8-bit images normalized on the device, as classify sends them), CUDA graphs unless
 * -nographs. Every GPU backend times whole calls: the batch copied in, the network, the logits copied out.
 */
public final class OwnBackends implements BackendProvider {
    private static final Pattern GPU = Pattern.compile("gpu-(fused|reference)(-(tf32|fp16|bf16))?(-u8)?(-nographs)?");

    @Override
    public List<String> names() {
        return List.of("cpu-plain", "cpu-fast", "gpu-fused", "gpu-reference", "gpu-fused-tf32", "gpu-fused-fp16",
                "gpu-fused-bf16", "gpu-fused-fp16-u8", "gpu-fused-fp16-nographs");
    }

    @Override
    public boolean has(String name) {
        return names().contains(name) || GPU.matcher(name).matches();
    }

    @Override
    public Backend create(String name, BenchSetup s) {
        Matcher gpu = GPU.matcher(name);
        if (gpu.matches()) {
            Precision precision = gpu.group(3) == null ? Precision.FP32 : Precision.valueOf(gpu.group(3).toUpperCase(Locale.ROOT));
            GpuOptions options = GpuOptions.defaults().withSchedule(Schedule.valueOf(gpu.group(1).toUpperCase(Locale.ROOT)))
                    .withPrecision(precision).withCudaGraphs(gpu.group(5) == null).withMaxBatch(s.maxBatch())
                    .withInputSize(s.height(), s.width());
            return new Gpu(name, s, options, gpu.group(4) != null);
        }
        return switch (name) {
            case "cpu-plain" -> new Cpu(name, CpuResNet.create(s.config(), s.weights(), s.weightsFile().toString(), CpuOptions.plain()));
            case "cpu-fast" -> new Cpu(name, CpuResNet.create(s.config(), s.weights(), s.weightsFile().toString(),
                    CpuOptions.fast(s.threads())));
            default -> throw new IllegalArgumentException("unknown backend " + name);
        };
    }

    /** A CPU network; records time per op kind so the report can give the convolutions' GFLOP/s. */
    static final class Cpu implements Backend {
        private final String name;
        private final CpuResNet net;
        private final OpTimes times = new OpTimes();

        Cpu(String name, CpuResNet net) {
            this.name = name;
            this.net = net;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Tensor run(Tensor batch) {
            return net.forward(batch, times);
        }

        OpTimes times() {
            return times;
        }

        CpuResNet net() {
            return net;
        }

        @Override
        public String details() {
            return net.kernelsDescription();
        }

        @Override
        public void close() {
            net.close();
        }
    }

    /** A GPU network; the device memory it took is the device's free memory before it was built less what is free now. */
    static final class Gpu implements Backend {
        private final String name;
        private final GpuResNet net;
        private final boolean images;
        private final long freeBefore;
        private final Map<Tensor, byte[]> rgb = new IdentityHashMap<>();

        Gpu(String name, BenchSetup s, GpuOptions options, boolean images) {
            this.name = name;
            this.images = images;
            this.freeBefore = dev.jresnet.gpu.Gpu.deviceMemory(options.device())[0];
            this.net = GpuResNet.create(s.config(), s.weights(), s.weightsFile().toString(), options);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Tensor run(Tensor batch) {
            if (!images) {
                return net.forward(batch);
            }
            byte[] bytes = rgb.computeIfAbsent(batch, Gpu::imagesOf);
            Preprocessing imagenet = Preprocessing.IMAGENET;
            return net.forwardImages(bytes, batch.dim(0), imagenet.mean(), imagenet.std());
        }

        /**
         * The 8-bit images a batch normalized with ImageNet's mean and std came from (the bench's inputs are such
         * images): the normalization inverted and rounded, once per batch, outside the timed runs.
         */
        private static byte[] imagesOf(Tensor batch) {
            int n = batch.dim(0);
            int h = batch.dim(2);
            int w = batch.dim(3);
            float[] mean = Preprocessing.IMAGENET.mean();
            float[] std = Preprocessing.IMAGENET.std();
            byte[] out = new byte[n * h * w * 3];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    for (int p = 0; p < h * w; p++) {
                        float x = batch.data()[(i * 3 + c) * h * w + p];
                        out[(i * h * w + p) * 3 + c] = (byte) Math.round((x * std[c] + mean[c]) * 255);
                    }
                }
            }
            return out;
        }

        String precision() {
            return net.options().precision().label();
        }

        String gpuName() {
            return net.gpu().name();
        }

        double gpuMiB() {
            return (freeBefore - dev.jresnet.gpu.Gpu.deviceMemory(net.options().device())[0]) / 1048576.0;
        }

        GpuResNet net() {
            return net;
        }

        @Override
        public String details() {
            GpuOptions o = net.options();
            return net.gpu().name() + ", " + o.schedule().name().toLowerCase(Locale.ROOT) + " schedule, " + o.precision().label()
                    + (o.cudaGraphs() ? ", CUDA graphs" : ", no CUDA graphs") + (images ? ", 8-bit images in" : ", float32 in")
                    + ", end to end (copies included)";
        }

        @Override
        public void close() {
            net.close();
        }
    }
}
