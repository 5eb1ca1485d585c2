package dev.jresnet.gpu.internal;

import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A convolution. With a bias, a residual or a ReLU to apply (every convolution of the fused schedule), one
 * cudnnConvolutionBiasActivationForward: y = act(conv(x, w) + z + bias), z the residual (alpha2 = 1) or y itself with
 * alpha2 = 0, bias zeros when the op has none, act ReLU or identity (which cuDNN allows only with IMPLICIT_PRECOMP_GEMM).
 * Otherwise (the reference schedule's convolutions, followed by BatchNorm) cudnnConvolutionForward.
 */
final class ConvStep implements GpuStep {
    private final GpuContext ctx;
    private final Descriptors descriptors;
    private final PlanOp.ConvOp op;
    private final Pointer x;
    private final Pointer y;
    private final Pointer z;
    private final Pointer weight;
    private final Pointer bias;
    private final cudnnFilterDescriptor filter;
    private final cudnnTensorDescriptor biasDescriptor;
    private final cudnnActivationDescriptor activation;
    /** One convolution descriptor per math type the chosen algorithms run with. */
    private final Map<Integer, cudnnConvolutionDescriptor> convolutions = new HashMap<>();
    private final Map<Integer, ConvAlgorithms.Measured> algorithms = new TreeMap<>();

    ConvStep(GpuContext ctx, Descriptors descriptors, DeviceParameters parameters, PlanOp.ConvOp op, DeviceBuffer[] buffers) {
        this.ctx = ctx;
        this.descriptors = descriptors;
        this.op = op;
        this.x = buffers[op.input()].pointer();
        this.y = buffers[op.output()].pointer();
        this.z = op.residual() != PlanOp.NO_BUFFER ? buffers[op.residual()].pointer() : y;
        ConvSpec s = op.spec();
        this.weight = parameters.at(op.name() + ".weight");
        this.bias = fused(op) ? parameters.at(op.name() + ".bias") : null;
        this.filter = descriptors.filter(s);
        this.biasDescriptor = descriptors.tensor(1, s.outChannels(), 1, 1);
        // The fused call refuses CUDNN_PROPAGATE_NAN: its ReLU maps NaN to 0 (the README says what that means).
        this.activation = fused(op) ? descriptors.activation(op.relu() ? cudnnActivationMode.CUDNN_ACTIVATION_RELU
                : cudnnActivationMode.CUDNN_ACTIVATION_IDENTITY, false) : null;
        convolution(ctx.precision.convolutionMath);
    }

    /** Whether the convolution runs as cuDNN's fused call: it has a bias, a residual or a ReLU to apply. */
    static boolean fused(PlanOp.ConvOp op) {
        return op.bias() != null || op.relu() || op.residual() != PlanOp.NO_BUFFER;
    }

    /**
     * What the convolution reads from {@link DeviceParameters}: its weight in the network's storage (channels last:
     * (out, kH, kW, in / groups), as an NHWC filter descriptor says) and, for the fused call, its bias (zeros where
     * the op has none, since cuDNN's fused call takes a bias in any case).
     */
    static List<DeviceParameters.Host> parameters(PlanOp.ConvOp op, DevicePrecision precision) {
        List<DeviceParameters.Host> p = new ArrayList<>();
        ConvSpec s = op.spec();
        float[] w = precision.channelsLast() ? channelsLast(op.weight(), s.outChannels(), s.inChannels() / s.groups(),
                s.kernelH() * s.kernelW()) : op.weight();
        p.add(new DeviceParameters.Host(op.name() + ".weight", precision.encode(w)));
        if (fused(op)) {
            float[] b = op.bias() != null ? op.bias() : new float[s.outChannels()];
            p.add(new DeviceParameters.Host(op.name() + ".bias", precision.encode(b)));
        }
        return p;
    }

    /** (k, c, taps) to (k, taps, c). */
    private static float[] channelsLast(float[] w, int k, int c, int taps) {
        float[] out = new float[w.length];
        for (int o = 0; o < k; o++) {
            for (int i = 0; i < c; i++) {
                for (int t = 0; t < taps; t++) {
                    out[(o * taps + t) * c + i] = w[(o * c + i) * taps + t];
                }
            }
        }
        return out;
    }

    private cudnnConvolutionDescriptor convolution(int mathType) {
        return convolutions.computeIfAbsent(mathType, m -> descriptors.convolution(op.spec(), m));
    }

    @Override
    public long prepare(int n, Workspace workspace) {
        Shape i = op.inShape();
        Shape o = op.outShape();
        // The workspace is in the key: what a search rejects for want of workspace, a larger one may allow.
        String key = AlgorithmCache.key(ctx.info, ctx.precision.precision, "x" + n + "x" + i + "|" + op.spec() + "|y" + o
                + "|workspace " + workspace.bytes());
        ConvAlgorithms.Measured m = ConvAlgorithms.choose(ctx.cuda, ctx.cudnn, new ConvAlgorithms.Problem(in(n), x, filter,
                        weight, convolution(ctx.precision.convolutionMath), out(n), y), key, ctx.algorithms, workspace,
                ctx.precision.allowsTensorOps(), fused(op) && !op.relu());
        algorithms.put(n, m);
        convolution(mathType(m));
        return m.workspaceBytes();
    }

    /** The math type a chosen algorithm runs with: as measured, but never anything that may round fp32 to TF32. */
    private int mathType(ConvAlgorithms.Measured m) {
        return ctx.precision.allowsTensorOps() ? m.mathType() : cudnnMathType.CUDNN_FMA_MATH;
    }

    @Override
    public void run(int n, Workspace workspace) {
        ConvAlgorithms.Measured m = algorithms.get(n);
        cudnnTensorDescriptor xd = in(n);
        cudnnTensorDescriptor yd = out(n);
        cudnnConvolutionDescriptor conv = convolution(mathType(m));
        if (bias != null) {
            Pointer alpha2 = op.residual() != PlanOp.NO_BUFFER ? GpuContext.ONE : GpuContext.ZERO;
            Cuda.cudnn(ctx.cuda.cudnnConvolutionBiasActivationForward(ctx.cudnn, GpuContext.ONE, xd, x, filter, weight, conv,
                    m.algo(), workspace.pointer(), m.workspaceBytes(), alpha2, yd, z, biasDescriptor, bias, activation, yd, y),
                    "cudnnConvolutionBiasActivationForward", () -> context(n, m));
            return;
        }
        Cuda.cudnn(ctx.cuda.cudnnConvolutionForward(ctx.cudnn, GpuContext.ONE, xd, x, filter, weight, conv, m.algo(),
                workspace.pointer(), m.workspaceBytes(), GpuContext.ZERO, yd, y), "cudnnConvolutionForward", () -> context(n, m));
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
        return op.name() + ": N=" + n + " " + op.inShape() + " -> " + op.outShape() + ", " + op.spec() + ", "
                + ctx.precision.precision.label() + ", " + m.describe();
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder(op.name() + (bias != null ? " conv+bias+" + (op.residual() != PlanOp.NO_BUFFER
                ? "residual+" : "") + (op.relu() ? "relu" : "identity") : " conv"));
        algorithms.forEach((n, m) -> s.append(" | N=").append(n).append(": ").append(m.describe()));
        return s.toString();
    }
}
