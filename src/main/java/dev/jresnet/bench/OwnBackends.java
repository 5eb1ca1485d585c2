package dev.jresnet.bench;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.plan.OpTimes;
import dev.jresnet.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * jresnet's backends, by {@link BackendName}: cpu-fast (the default CPU network, with the setup's thread count),
 * cpu-plain, cpu-reference-fp16, gpu-fused, gpu-reference, gpu-fp16-u8, gpu-fp16-nographs and so on. Every GPU
 * backend times whole calls: the batch copied in, the network, the logits copied out.
 */
public final class OwnBackends implements BackendProvider {
    @Override
    public List<String> names() {
        return List.of("cpu-plain", "cpu-fast", "gpu-fused", "gpu-reference", "gpu-tf32", "gpu-fp16", "gpu-bf16",
                "gpu-fp16-u8", "gpu-fp16-nographs");
    }

    @Override
    public boolean has(String name) {
        if (!name.startsWith("cpu") && !name.startsWith("gpu")) {
            return false;
        }
        BackendName.parse(name); // a malformed name of ours is refused with the word that is wrong
        return true;
    }

    @Override
    public Backend create(String name, BenchSetup s) {
        BackendName b = BackendName.parse(name);
        if (b.gpu()) {
            GpuOptions options = GpuOptions.defaults().withSchedule(b.schedule()).withPrecision(b.precision())
                    .withCudaGraphs(b.graphs()).withMaxBatch(s.maxBatch()).withInputSize(s.height(), s.width());
            return new Gpu(name, s, options, b.images());
        }
        CpuOptions cpu = b.kernels() == CpuOptions.Kernels.PLAIN ? CpuOptions.plain() : CpuOptions.fast(s.threads());
        return new Cpu(name, CpuResNet.create(s.config(), s.weights(), s.weightsFile().toString(),
                b.schedule().plannerOptions().withPrecision(b.precision()), cpu));
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
            return net.gpu().name() + ", " + o.schedule().label() + " schedule, " + o.precision().label()
                    + (o.cudaGraphs() ? ", CUDA graphs" : ", no CUDA graphs") + (images ? ", 8-bit images in" : ", float32 in")
                    + ", end to end (copies included)";
        }

        @Override
        public void close() {
            net.close();
        }
    }
}
