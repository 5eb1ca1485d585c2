package dev.jresnet.gpu.sim.math;

/**
 * cudnnAddTensor's math: c = alpha * a + beta * c, where each of a's dims equals c's or is 1; a dim of 1 is
 * broadcast (the same a value used all along it), e.g. a bias (1, C, 1, 1) onto (N, C, H, W). cuDNN's documented rule
 * is exactly that per-dimension one; {@link #isSupportedBroadcast} states it. Blended as {@link Blend} does.
 */
public final class AddTensorMath {
    private AddTensorMath() {
    }

    /** Whether cudnnAddTensor accepts bias dims a for destination dims c: every dim of a equals c's or is 1. */
    public static boolean isSupportedBroadcast(Strided4d a, Strided4d c) {
        return fits(a.n(), c.n()) && fits(a.c(), c.c()) && fits(a.h(), c.h()) && fits(a.w(), c.w());
    }

    private static boolean fits(int aDim, int cDim) {
        return aDim == cDim || aDim == 1;
    }

    public static void add(float alpha, float[] a, Strided4d al, float beta, float[] c, Strided4d cl) {
        if (!isSupportedBroadcast(al, cl)) {
            throw new IllegalArgumentException("a " + al.dimsString() + " cannot be broadcast onto c " + cl.dimsString()
                    + ": each dim of a must equal c's or be 1");
        }
        al.requireFits(a, "a");
        cl.requireFits(c, "c");
        for (int n = 0; n < cl.n(); n++) {
            int an = al.n() == 1 ? 0 : n;
            for (int ch = 0; ch < cl.c(); ch++) {
                int ac = al.c() == 1 ? 0 : ch;
                for (int h = 0; h < cl.h(); h++) {
                    int ah = al.h() == 1 ? 0 : h;
                    for (int w = 0; w < cl.w(); w++) {
                        int aw = al.w() == 1 ? 0 : w;
                        Blend.store(c, (int) cl.index(n, ch, h, w), alpha, a[(int) al.index(an, ac, ah, aw)], beta);
                    }
                }
            }
        }
    }
}
