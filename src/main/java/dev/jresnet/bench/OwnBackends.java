package dev.jresnet.bench;

import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.gpu.GpuOptions;
import dev.jresnet.gpu.GpuResNet;
import dev.jresnet.gpu.Schedule;
import dev.jresnet.plan.OpTimes;
import dev.jresnet.tensor.Tensor;

import java.util.List;

/** jresnet's backends: cpu-plain and cpu-fast (with the setup's thread count), gpu-fused and gpu-reference. */
public final class OwnBackends implements BackendProvider {
    @Override
    public List<String> names() {
        return List.of("cpu-plain", "cpu-fast", "gpu-fused", "gpu-reference");
    }

    @Override
    public Backend create(String name, BenchSetup s) {
        return switch (name) {
            case "cpu-plain" -> new Cpu(name, CpuResNet.create(s.config(), s.weights(), s.weightsFile().toString(), CpuOptions.plain()));
            case "cpu-fast" -> new Cpu(name, CpuResNet.create(s.config(), s.weights(), s.weightsFile().toString(),
                    CpuOptions.fast(s.threads())));
            case "gpu-fused", "gpu-reference" -> new Gpu(name, GpuResNet.create(s.config(), s.weights(), s.weightsFile().toString(),
                    GpuOptions.defaults().withSchedule(name.equals("gpu-fused") ? Schedule.FUSED : Schedule.REFERENCE)
                            .withMaxBatch(s.maxBatch()).withInputSize(s.height(), s.width())));
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

    static final class Gpu implements Backend {
        private final String name;
        private final GpuResNet net;

        Gpu(String name, GpuResNet net) {
            this.name = name;
            this.net = net;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Tensor run(Tensor batch) {
            return net.forward(batch);
        }

        @Override
        public String details() {
            return net.gpu().name() + ", " + net.options().schedule().name().toLowerCase() + " schedule, end to end (copies included)";
        }

        @Override
        public void close() {
            net.close();
        }
    }
}
