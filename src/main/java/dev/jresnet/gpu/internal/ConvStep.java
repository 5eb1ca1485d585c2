package dev.jresnet.gpu.internal;

import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import dev.jresnet.plan.Precision;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;

import java.util.Map;
import java.util.TreeMap;

/**
 * A convolution. With a ReLU or a residual to apply (the fused schedule), one cudnnConvolutionBiasActivationForward:
 * y = act(conv(x, w) + z + bias), z the residual (alpha2 = 1) or y itself with alpha2 = 0, bias zeros when the op
 * has none; an identity activation there is allowed only with IMPLICIT_PRECOMP_GEMM. Otherwise cudnnConvolutionForward,
 * then cudnnAddTensor for a bias.
 */
final class ConvStep implements GpuStep {
    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.ConvOp op;
    private final Pointer x;
    private final Pointer y;
    private final Pointer z;
    private final DeviceBuffer weight;
    private final DeviceBuffer bias;
    private final boolean fused;
    private final cudnnFilterDescriptor filter;
    private final cudnnConvolutionDescriptor conv;
    private final cudnnTensorDescriptor biasDescriptor;
    private final cudnnActivationDescriptor activation;
    private final Map<Integer, ConvAlgorithms.Measured> algorithms = new TreeMap<>();

    ConvStep(GpuContext ctx, Descriptors descriptors, Resources resources, PlanOp.ConvOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.x = buffers[op.input()].pointer();
        this.y = buffers[op.output()].pointer();
        this.fused = op.relu() || op.residual() != PlanOp.NO_BUFFER;
        this.z = op.residual() != PlanOp.NO_BUFFER ? buffers[op.residual()].pointer() : y;
        ConvSpec s = op.spec();
        this.weight = DeviceBuffer.of(ctx, op.weight(), op.name() + ".weight", resources);
        float[] b = op.bias() != null ? op.bias() : fused ? new float[biasLength(op)] : null;
        this.bias = b == null ? null : DeviceBuffer.of(ctx, b, op.name() + ".bias", resources);
        this.filter = descriptors.filter(s);
        this.conv = descriptors.convolution(s);
        this.biasDescriptor = descriptors.tensor(1, s.outChannels(), 1, 1);
        // The fused call refuses CUDNN_PROPAGATE_NAN: its ReLU maps NaN to 0 (the README says what that means).
        this.activation = fused ? descriptors.activation(op.relu() ? cudnnActivationMode.CUDNN_ACTIVATION_RELU
                : cudnnActivationMode.CUDNN_ACTIVATION_IDENTITY, false) : null;
    }

    @Override
    public long prepare(int n, Workspace workspace) {
        Shape i = op.inShape();
        Shape o = op.outShape();
        // The workspace is in the key: what a search rejects for want of workspace, a larger one may allow.
        String key = AlgorithmCache.key(ctx.info, Precision.FP32, "x" + n + "x" + i + "|" + op.spec() + "|y" + o + "|workspace "
                + workspace.bytes());
        ConvAlgorithms.Measured m = ConvAlgorithms.choose(ctx.cuda, ctx.cudnn, new ConvAlgorithms.Problem(in(n), x, filter,
                weight.pointer(), conv, out(n), y), key, ctx.algorithms, workspace, fused && !op.relu());
        algorithms.put(n, m);
        return m.workspaceBytes();
    }

    /** The bias a convolution uploads: its own, or zeros where the fused call needs one and it has none. */
    static int biasLength(PlanOp.ConvOp op) {
        return op.bias() != null ? op.bias().length
                : op.relu() || op.residual() != PlanOp.NO_BUFFER ? op.spec().outChannels() : 0;
    }

    @Override
    public void run(int n, Workspace workspace) {
        ConvAlgorithms.Measured m = algorithms.get(n);
        cudnnTensorDescriptor xd = in(n);
        cudnnTensorDescriptor yd = out(n);
        if (fused) {
            Pointer alpha2 = op.residual() != PlanOp.NO_BUFFER ? GpuContext.ONE : GpuContext.ZERO;
            Cuda.cudnn(ctx.cuda.cudnnConvolutionBiasActivationForward(ctx.cudnn, GpuContext.ONE, xd, x, filter, weight.pointer(),
                    conv, m.algo(), workspace.pointer(), m.workspaceBytes(), alpha2, yd, z, biasDescriptor, bias.pointer(),
                    activation, yd, y), "cudnnConvolutionBiasActivationForward", () -> context(n, m));
            return;
        }
        Cuda.cudnn(ctx.cuda.cudnnConvolutionForward(ctx.cudnn, GpuContext.ONE, xd, x, filter, weight.pointer(), conv, m.algo(),
                workspace.pointer(), m.workspaceBytes(), GpuContext.ZERO, yd, y), "cudnnConvolutionForward", () -> context(n, m));
        if (bias != null) {
            Cuda.cudnn(ctx.cuda.cudnnAddTensor(ctx.cudnn, GpuContext.ONE, biasDescriptor, bias.pointer(), GpuContext.ONE, yd, y),
                    "cudnnAddTensor", () -> op.name() + " bias");
        }
    }

    private cudnnTensorDescriptor in(int n) {
        Shape s = op.inShape();
        return descriptors.tensor(n, s.channels(), s.height(), s.width());
    }

    private cudnnTensorDescriptor out(int n) {
        Shape s = op.outShape();
        return descriptors.tensor(n, s.channels(), s.height(), s.width());
    }

    private String context(int n, ConvAlgorithms.Measured m) {
        return op.name() + ": N=" + n + " " + op.inShape() + " -> " + op.outShape() + ", " + op.spec() + ", " + m.describe();
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder(op.name() + (fused ? " conv+bias+" + (op.residual() != PlanOp.NO_BUFFER ? "residual+" : "")
                + (op.relu() ? "relu" : "identity") : " conv" + (bias != null ? "+bias" : "")));
        algorithms.forEach((n, m) -> s.append(" | N=").append(n).append(": ").append(m.describe()));
        return s.toString();
    }
}
