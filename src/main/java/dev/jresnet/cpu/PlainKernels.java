package dev.jresnet.cpu;

import dev.jresnet.model.AvgPoolSpec;
import dev.jresnet.model.ConvSpec;
import dev.jresnet.model.PaddingMode;
import dev.jresnet.model.PoolSpec;
import dev.jresnet.model.Shape;
import dev.jresnet.plan.PlanOp;

import java.util.Arrays;

/**
 * Obviously-correct kernels: direct loops in PyTorch's definitions, one thread. They are the reference the fast
 * kernels are tested against. NaN propagates as in PyTorch (ReLU and max pooling keep it).
 */
class PlainKernels implements CpuKernels {

    /** Direct convolution: out[n,k,oh,ow] = bias[k] + sum_{c,kh,kw} w[k,c,kh,kw] * in[n, g*C/G + c, ih, iw], then epilogue. */
    @Override
    public void conv(PlanOp.ConvOp op, float[] in, float[] residual, float[] out, int batch) {
        ConvSpec s = op.spec();
        Shape is = op.inShape();
        Shape os = op.outShape();
        int inC = is.channels(), inH = is.height(), inW = is.width();
        int outC = os.channels(), outH = os.height(), outW = os.width();
        int inPerGroup = inC / s.groups();
        int outPerGroup = outC / s.groups();
        int plane = outH * outW;
        float[] w = op.weight();
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < outC; k++) {
                int g = k / outPerGroup;
                int outBase = (n * outC + k) * plane;
                Arrays.fill(out, outBase, outBase + plane, op.bias() == null ? 0f : op.bias()[k]);
                for (int c = 0; c < inPerGroup; c++) {
                    int inBase = (n * inC + g * inPerGroup + c) * inH * inW;
                    for (int kh = 0; kh < s.kernelH(); kh++) {
                        for (int kw = 0; kw < s.kernelW(); kw++) {
                            float wv = w[((k * inPerGroup + c) * s.kernelH() + kh) * s.kernelW() + kw];
                            int colShift = kw * s.dilationW() - s.padW();
                            // Output columns whose input column iw = ow*stride + colShift lies inside the image.
                            int owFrom = Math.max(0, Math.floorDiv(-colShift + s.strideW() - 1, s.strideW()));
                            int owTo = Math.min(outW, Math.floorDiv(inW - 1 - colShift, s.strideW()) + 1);
                            for (int oh = 0; oh < outH; oh++) {
                                int ih = oh * s.strideH() + kh * s.dilationH() - s.padH();
                                if (ih < 0 || ih >= inH) {
                                    continue;
                                }
                                int outRow = outBase + oh * outW;
                                int inRow = inBase + ih * inW + colShift;
                                for (int ow = owFrom; ow < owTo; ow++) {
                                    out[outRow + ow] += wv * in[inRow + ow * s.strideW()];
                                }
                            }
                        }
                    }
                }
                epilogue(out, residual, outBase, plane, op.relu());
            }
        }
    }

    static void epilogue(float[] out, float[] residual, int from, int count, boolean relu) {
        if (residual != null) {
            for (int i = from; i < from + count; i++) {
                out[i] += residual[i];
            }
        }
        if (relu) {
            for (int i = from; i < from + count; i++) {
                out[i] = Math.max(out[i], 0f);
            }
        }
    }

    @Override
    public void batchNorm(PlanOp.BatchNormOp op, float[] in, float[] out, int batch) {
        int channels = op.shape().channels();
        int plane = op.shape().height() * op.shape().width();
        float[][] scaleShift = scaleAndShift(op);
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                applyScaleShift(in, out, (n * channels + c) * plane, plane, scaleShift[0][c], scaleShift[1][c]);
            }
        }
    }

    /** Inference BatchNorm as y = x * scale + shift per channel: scale = gamma / sqrt(var + eps), in double. */
    static float[][] scaleAndShift(PlanOp.BatchNormOp op) {
        int channels = op.gamma().length;
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            double invStd = 1.0 / Math.sqrt((double) op.var()[c] + op.eps());
            scale[c] = (float) (op.gamma()[c] * invStd);
            shift[c] = (float) (op.beta()[c] - op.mean()[c] * op.gamma()[c] * invStd);
        }
        return new float[][]{scale, shift};
    }

    static void applyScaleShift(float[] in, float[] out, int from, int count, float scale, float shift) {
        for (int i = from; i < from + count; i++) {
            out[i] = in[i] * scale + shift;
        }
    }

    @Override
    public void relu(float[] in, float[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = Math.max(in[i], 0f);
        }
    }

    @Override
    public void add(PlanOp.AddOp op, float[] left, float[] right, float[] out, int batch) {
        int count = (int) (batch * op.shape().elements());
        for (int i = 0; i < count; i++) {
            out[i] = left[i] + right[i];
        }
        epilogue(out, null, 0, count, op.relu());
    }

    @Override
    public void maxPool(PlanOp.MaxPoolOp op, float[] in, float[] out, int batch) {
        PoolSpec p = op.spec();
        Shape is = op.inShape();
        Shape os = op.outShape();
        int inH = is.height(), inW = is.width(), outH = os.height(), outW = os.width();
        for (int nc = 0; nc < batch * is.channels(); nc++) {
            int inBase = nc * inH * inW;
            int outBase = nc * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int kh = 0; kh < p.kernel(); kh++) {
                        int ih = oh * p.stride() - p.padding() + kh * p.dilation();
                        if (ih < 0 || ih >= inH) {
                            continue;
                        }
                        for (int kw = 0; kw < p.kernel(); kw++) {
                            int iw = ow * p.stride() - p.padding() + kw * p.dilation();
                            if (iw >= 0 && iw < inW) {
                                float v = in[inBase + ih * inW + iw];
                                if (v > max || Float.isNaN(v)) {
                                    max = v;
                                }
                            }
                        }
                    }
                    out[outBase + oh * outW + ow] = max;
                }
            }
        }
    }

    /** PyTorch's avg_pool2d: windows clipped to input + padding; the divisor counts padding only if asked to. */
    @Override
    public void avgPool(PlanOp.AvgPoolOp op, float[] in, float[] out, int batch) {
        AvgPoolSpec p = op.spec();
        int inH = op.inShape().height(), inW = op.inShape().width();
        int outH = op.outShape().height(), outW = op.outShape().width();
        for (int nc = 0; nc < batch * op.inShape().channels(); nc++) {
            int inBase = nc * inH * inW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = oh * p.stride() - p.padding();
                int h1 = Math.min(h0 + p.kernel(), inH + p.padding());
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = ow * p.stride() - p.padding();
                    int w1 = Math.min(w0 + p.kernel(), inW + p.padding());
                    int windowWithPadding = (h1 - h0) * (w1 - w0);
                    int hFrom = Math.max(h0, 0), hTo = Math.min(h1, inH);
                    int wFrom = Math.max(w0, 0), wTo = Math.min(w1, inW);
                    double sum = 0;
                    for (int h = hFrom; h < hTo; h++) {
                        for (int w = wFrom; w < wTo; w++) {
                            sum += in[inBase + h * inW + w];
                        }
                    }
                    int divisor = p.countIncludePad() ? windowWithPadding : (hTo - hFrom) * (wTo - wFrom);
                    out[(nc * outH + oh) * outW + ow] = (float) (sum / divisor);
                }
            }
        }
    }

    @Override
    public void pad(PlanOp.PadOp op, float[] in, float[] out, int batch) {
        int inH = op.inShape().height(), inW = op.inShape().width();
        int outH = op.outShape().height(), outW = op.outShape().width();
        for (int nc = 0; nc < batch * op.inShape().channels(); nc++) {
            for (int oh = 0; oh < outH; oh++) {
                int ih = sourceIndex(oh - op.top(), inH, op.mode());
                for (int ow = 0; ow < outW; ow++) {
                    int iw = sourceIndex(ow - op.left(), inW, op.mode());
                    out[(nc * outH + oh) * outW + ow] = ih < 0 || iw < 0 ? 0f : in[(nc * inH + ih) * inW + iw];
                }
            }
        }
    }

    /** The input row (or column) an output position copies, or -1 for a zero; i may lie outside [0, size). */
    static int sourceIndex(int i, int size, PaddingMode mode) {
        if (i >= 0 && i < size) {
            return i;
        }
        return switch (mode) {
            case ZEROS -> -1;
            case REFLECT -> i < 0 ? -i : 2 * (size - 1) - i;
            case REPLICATE -> i < 0 ? 0 : size - 1;
            case CIRCULAR -> Math.floorMod(i, size);
        };
    }

    @Override
    public void channelPad(PlanOp.ChannelPadOp op, float[] in, float[] out, int batch) {
        Shape is = op.inShape();
        Shape os = op.outShape();
        int outPlane = os.height() * os.width();
        Arrays.fill(out, 0, (int) (batch * os.elements()), 0f);
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < is.channels(); c++) {
                int inBase = (n * is.channels() + c) * is.height() * is.width();
                int outBase = (n * os.channels() + c + op.padBefore()) * outPlane;
                for (int oh = 0; oh < os.height(); oh++) {
                    for (int ow = 0; ow < os.width(); ow++) {
                        out[outBase + oh * os.width() + ow] = in[inBase + oh * op.stride() * is.width() + ow * op.stride()];
                    }
                }
            }
        }
    }

    @Override
    public void globalAvgPool(PlanOp.GlobalAvgPoolOp op, float[] in, float[] out, int batch) {
        int plane = op.inShape().height() * op.inShape().width();
        for (int nc = 0; nc < batch * op.inShape().channels(); nc++) {
            double sum = 0;
            for (int i = nc * plane; i < (nc + 1) * plane; i++) {
                sum += in[i];
            }
            out[nc] = (float) (sum / plane);
        }
    }

    @Override
    public void linear(PlanOp.LinearOp op, float[] in, float[] out, int batch) {
        int inF = op.inFeatures();
        int outF = op.outFeatures();
        float[] w = op.weight();
        for (int n = 0; n < batch; n++) {
            for (int j = 0; j < outF; j++) {
                double sum = op.bias() == null ? 0 : op.bias()[j];
                for (int i = 0; i < inF; i++) {
                    sum += (double) in[n * inF + i] * w[j * inF + i];
                }
                out[n * outF + j] = (float) sum;
            }
        }
    }
}
