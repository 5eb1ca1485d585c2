package dev.jresnet.gpu.sim.math;

/**
 * cudnnConvolutionBiasActivationForward's math: y = act(alpha1 * conv(x, w) + alpha2 * z + bias), with bias of dims
 * (1, K, 1, 1) and act ReLU or identity. There is no beta: y is only written. When alpha2 is 0, z is not read (it may
 * hold garbage); otherwise it is read in full before y is written, so z may be the same memory as y.
 * Built from the other pieces, in this order on a packed NCHW scratch tensor t: t = conv(x, w)
 * ({@link ConvolutionMath#forward}); t = alpha2 * z + alpha1 * t ({@link AddTensorMath}), or t = alpha1 * t
 * ({@link Blend}) when alpha2 is 0; t = bias + t ({@link AddTensorMath}); y = act(t) ({@link ActivationMath}).
 */
public final class ConvBiasActivationMath {
    private ConvBiasActivationMath() {
    }

    public static void forward(float alpha1, float[] x, Strided4d xl, float[] w, Strided4d wl, ConvGeometry g,
                               float alpha2, float[] z, Strided4d zl, float[] bias, Strided4d biasLayout,
                               Activation act, boolean propagateNan, float[] y, Strided4d yl) {
        if (biasLayout.n() != 1 || biasLayout.c() != yl.c() || biasLayout.h() != 1 || biasLayout.w() != 1) {
            throw new IllegalArgumentException("bias " + biasLayout.dimsString() + " should be (1, " + yl.c() + ", 1, 1)");
        }
        if (alpha2 != 0f && !zl.sameDims(yl)) {
            throw new IllegalArgumentException("z " + zl.dimsString() + " and y " + yl.dimsString() + " differ");
        }
        Strided4d tl = Strided4d.nchw(yl.n(), yl.c(), yl.h(), yl.w());
        float[] t = new float[Math.toIntExact(tl.count())];
        ConvolutionMath.forward(x, xl, w, wl, g, t, tl);
        if (alpha2 != 0f) {
            AddTensorMath.add(alpha2, z, zl, alpha1, t, tl);
        } else {
            Blend.into(alpha1, t, tl, 0f, t, tl);
        }
        AddTensorMath.add(1f, bias, biasLayout, 1f, t, tl);
        ActivationMath.forward(act, propagateNan, 1f, t, tl, 0f, y, yl);
    }
}
