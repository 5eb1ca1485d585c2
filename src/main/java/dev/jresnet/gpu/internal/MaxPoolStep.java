package dev.jresnet.gpu.internal;

import dev.jresnet.model.PoolSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnPoolingMode;

/**
 * Max pooling: cudnnPoolingForward where cuDNN computes the same thing (no dilation, and the output size cuDNN's
 * floor rule gives is the planned one), our max_pool2d kernel otherwise (dilation, or ceil mode adding a row).
 */
final class MaxPoolStep implements GpuStep {
    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.MaxPoolOp op;
    private final DeviceBuffer[] buffers;
    private final cudnnPoolingDescriptor pooling;

    MaxPoolStep(GpuContext ctx, Descriptors descriptors, PlanOp.MaxPoolOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.buffers = buffers;
        PoolSpec p = op.spec();
        this.pooling = cudnnComputesIt(op) ? descriptors.pooling(cudnnPoolingMode.CUDNN_POOLING_MAX, p.kernel(), p.kernel(),
                p.padding(), p.padding(), p.stride(), p.stride()) : null;
        if (pooling == null) {
            ctx.kernels.load(Kernels.Kernel.MAX_POOL);
        }
    }

    static boolean cudnnComputesIt(PlanOp.MaxPoolOp op) {
        PoolSpec p = op.spec();
        return p.dilation() == 1 && new PoolSpec(p.kernel(), p.stride(), p.padding(), 1, false).outputShape(op.inShape())
                .equals(op.outShape());
    }

    @Override
    public void run(int n, Workspace workspace) {
        Shape i = op.inShape();
        Shape o = op.outShape();
        if (pooling != null) {
            Cuda.cudnn(ctx.cuda.cudnnPoolingForward(ctx.cudnn, pooling, GpuContext.ONE,
                    descriptors.tensor(n, i.channels(), i.height(), i.width()), buffers[op.input()].pointer(), GpuContext.ZERO,
                    descriptors.tensor(n, o.channels(), o.height(), o.width()), buffers[op.output()].pointer()),
                    "cudnnPoolingForward", () -> op.name() + ": N=" + n + " " + i + " -> " + o);
            return;
        }
        PoolSpec p = op.spec();
        ctx.kernels.maxPool2d(buffers[op.input()].pointer(), buffers[op.output()].pointer(), n, i.channels(), i.height(),
                i.width(), o.height(), o.width(), p.kernel(), p.stride(), p.padding(), p.dilation());
    }

    @Override
    public String describe() {
        return op.name() + " max pool (" + (pooling != null ? "cuDNN" : "jresnet kernel") + ")";
    }
}
