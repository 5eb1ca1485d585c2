package dev.jresnet.tensor;

import java.util.ArrayList;
import java.util.List;

/** The k largest entries of one row of an (N, C) tensor, largest first; ties go to the lower index. */
public final class TopK {
    public record Entry(int index, float value) {
    }

    private TopK() {
    }

    public static List<Entry> of(Tensor rows, int row, int k) {
        if (rows.rank() != 2) {
            throw new IllegalArgumentException("top-k needs an (N, C) tensor, got " + rows.shapeString());
        }
        int c = rows.dim(1);
        int take = Math.min(k, c);
        float[] v = rows.data();
        int base = row * c;
        List<Entry> best = new ArrayList<>(take + 1);
        for (int i = 0; i < c; i++) {
            float x = v[base + i];
            int at = best.size();
            while (at > 0 && greater(x, best.get(at - 1).value())) {
                at--;
            }
            if (at < take) {
                best.add(at, new Entry(i, x));
                if (best.size() > take) {
                    best.remove(take);
                }
            }
        }
        return best;
    }

    /** NaN ranks above everything, so a broken output shows up at the top instead of hiding. */
    private static boolean greater(float a, float b) {
        return (Float.isNaN(a) && !Float.isNaN(b)) || a > b;
    }
}
