package dev.jresnet.cpu;

import dev.jresnet.plan.OpTimes;
import dev.jresnet.plan.Plan;
import dev.jresnet.plan.PlanExecutor;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.Tensor;


/**
 * Runs a plan on the CPU. The plan's buffers are allocated for the largest batch seen so far and reused by later
 * calls, so steady-state inference allocates only its result. Calls are serialized: one executor runs one batch at
 * a time (use one executor per thread for parallel batches).
 */
public final class CpuExecutor implements PlanExecutor {
    private final Plan plan;
    private final CpuKernels kernels;
    private float[][] buffers = new float[0][];
    private int capacity;
    private boolean closed;

    CpuExecutor(Plan plan, CpuKernels kernels) {
        this.plan = plan;
        this.kernels = kernels;
    }

    /** An executor with the plain reference kernels. */
    public static CpuExecutor plain(Plan plan) {
        return new CpuExecutor(plan, new PlainKernels());
    }

    @Override
    public Plan plan() {
        return plan;
    }

    @Override
    public Tensor run(Tensor batch) {
        return run(batch, null);
    }

    /** Like {@link #run(Tensor)}, adding each op's wall time to {@code times} when it is not null. */
    public synchronized Tensor run(Tensor batch, OpTimes times) {
        if (closed) {
            throw new IllegalStateException("CpuExecutor for " + plan.model() + " is closed");
        }
        int n = PlanExecutor.checkBatch(plan, batch);
        ensureCapacity(n);
        System.arraycopy(batch.data(), 0, buffers[plan.inputBuffer()], 0, batch.size());
        Precision precision = plan.options().precision();
        boolean half = precision.sixteenBitStorage();
        int[] perSample = half ? plan.bufferElements() : null;
        if (half) {
            precision.roundStorage(buffers[plan.inputBuffer()], 0, batch.size());
        }
        for (PlanOp op : plan.ops()) {
            long start = times == null ? 0 : System.nanoTime();
            execute(op, n);
            if (half) {
                // 16-bit activations: each op reads 16-bit inputs and stores a 16-bit output
                precision.roundStorage(buffers[op.output()], 0, n * perSample[op.output()]);
            }
            if (times != null) {
                times.add(op, System.nanoTime() - start);
            }
        }
        Tensor out = Tensor.zeros(PlanExecutor.outputShape(plan, n));
        System.arraycopy(buffers[plan.outputBuffer()], 0, out.data(), 0, out.size());
        return out;
    }

    private void execute(PlanOp op, int n) {
        float[] out = buffers[op.output()];
        float[] first = buffers[op.inputs().get(0)];
        op.accept(new PlanOp.Visitor<Void>() {
            public Void conv(PlanOp.ConvOp c) {
                kernels.conv(c, first, c.residual() == PlanOp.NO_BUFFER ? null : buffers[c.residual()], out, n);
                return null;
            }

            public Void batchNorm(PlanOp.BatchNormOp b) {
                kernels.batchNorm(b, first, out, n);
                return null;
            }

            public Void relu(PlanOp.ReluOp r) {
                kernels.relu(first, out, (int) (n * r.shape().elements()));
                return null;
            }

            public Void add(PlanOp.AddOp a) {
                kernels.add(a, first, buffers[a.right()], out, n);
                return null;
            }

            public Void maxPool(PlanOp.MaxPoolOp p) {
                kernels.maxPool(p, first, out, n);
                return null;
            }

            public Void avgPool(PlanOp.AvgPoolOp p) {
                kernels.avgPool(p, first, out, n);
                return null;
            }

            public Void pad(PlanOp.PadOp p) {
                kernels.pad(p, first, out, n);
                return null;
            }

            public Void channelPad(PlanOp.ChannelPadOp p) {
                kernels.channelPad(p, first, out, n);
                return null;
            }

            public Void globalAvgPool(PlanOp.GlobalAvgPoolOp p) {
                kernels.globalAvgPool(p, first, out, n);
                return null;
            }

            public Void linear(PlanOp.LinearOp l) {
                kernels.linear(l, first, out, n);
                return null;
            }
        });
    }

    private void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        int[] perSample = plan.bufferElements();
        for (int e : perSample) {
            if ((long) e * n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a batch of " + n + " needs a buffer of " + (long) e * n
                        + " floats, more than a Java array holds; split the batch");
            }
        }
        buffers = new float[perSample.length][];
        for (int b = 0; b < perSample.length; b++) {
            buffers[b] = new float[perSample[b] * n];
        }
        capacity = n;
    }

    @Override
    public synchronized void close() {
        closed = true;
        buffers = new float[0][];
    }
}
