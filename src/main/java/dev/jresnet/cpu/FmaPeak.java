package dev.jresnet.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's fp32 FMA ceiling: every thread runs 12 independent chains of FMAs on registers only (no
 * memory traffic), in the widest vectors native here (512-bit on AVX-512, 256-bit on AVX2; what the micro-kernels
 * use), so the figure is what the cores can issue at the clock they really run at. Loaded only when the Vector API
 * module is present ({@link #measure(int)} answers NaN otherwise).
 */
public final class FmaPeak {
    private static final int CHAINS = 12;

    private FmaPeak() {
    }

    /** The width of the vectors {@link #measure(int)} uses, in bits, or 0 without the Vector API. */
    public static int vectorBits() {
        if (!VectorApi.enabled()) {
            return 0;
        }
        try {
            return (int) Class.forName("dev.jresnet.cpu.FmaPeak$Run").getMethod("bits").invoke(null);
        } catch (ReflectiveOperationException e) {
            return 0;
        }
    }

    /** GFLOP/s of {@code threads} threads together, or NaN without the Vector API. */
    public static double measure(int threads) {
        if (!VectorApi.enabled()) {
            return Double.NaN;
        }
        try {
            return (double) Class.forName("dev.jresnet.cpu.FmaPeak$Run").getMethod("all", int.class).invoke(null, threads);
        } catch (ReflectiveOperationException e) {
            return Double.NaN;
        }
    }

    /** The measurement itself, in its own class so that nothing of the Vector API is linked before the module check. */
    static final class Run {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        private Run() {
        }

        public static int bits() {
            return S.vectorBitSize();
        }

        public static double all(int threads) throws InterruptedException {
            for (int i = 0; i < 300; i++) {
                chains(20_000); // warm-up: many short calls, so C2 compiles the method itself (not an OSR loop)
            }
            long iterations = 200_000_000L / CHAINS;
            double[] seconds = new double[threads];
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int index = t;
                workers[t] = new Thread(() -> {
                    long start = System.nanoTime();
                    for (int chunk = 0; chunk < 100; chunk++) {
                        chains(iterations / 100);
                    }
                    seconds[index] = (System.nanoTime() - start) / 1e9;
                });
                workers[t].start();
            }
            double total = 0;
            for (int t = 0; t < threads; t++) {
                workers[t].join();
                total += 2.0 * S.length() * CHAINS * iterations / seconds[t];
            }
            return total / 1e9;
        }

        /** 12 independent accumulators: more than the FMA latency x units, so the FMA pipes never wait. */
        static float chains(long iterations) {
            FloatVector x = FloatVector.broadcast(S, 0.999f);
            FloatVector y = FloatVector.broadcast(S, 1e-7f);
            FloatVector a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
            for (long i = 0; i < iterations; i++) {
                a0 = a0.fma(x, y);
                a1 = a1.fma(x, y);
                a2 = a2.fma(x, y);
                a3 = a3.fma(x, y);
                a4 = a4.fma(x, y);
                a5 = a5.fma(x, y);
                a6 = a6.fma(x, y);
                a7 = a7.fma(x, y);
                a8 = a8.fma(x, y);
                a9 = a9.fma(x, y);
                a10 = a10.fma(x, y);
                a11 = a11.fma(x, y);
            }
            return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                    .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        }
    }
}
