package dev.jresnet.tensor;

/** Softmax over one row of an (N, C) tensor of logits: the probabilities torch.softmax(logits, dim=1) gives. */
public final class Softmax {
    private Softmax() {
    }

    /** The row's probabilities; the sums are taken in double, after subtracting the row's maximum. */
    public static float[] row(Tensor logits, int row) {
        int classes = logits.dim(1);
        float[] v = logits.data();
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, v[row * classes + j]);
        }
        double total = 0;
        double[] e = new double[classes];
        for (int j = 0; j < classes; j++) {
            e[j] = Math.exp(v[row * classes + j] - max);
            total += e[j];
        }
        float[] p = new float[classes];
        for (int j = 0; j < classes; j++) {
            p[j] = (float) (e[j] / total);
        }
        return p;
    }
}
