package dev.jresnet.tensor;

import java.util.SplittableRandom;

/**
 * Reproducible random floats: SplittableRandom for the bits and StrictMath for the transforms, so a seed gives the
 * same values on every JVM and platform (test fixtures and the Python side of parity checks rely on that).
 */
public final class SeededRandom {
    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A batch of standard-normal values, e.g. a synthetic input. */
    public static Tensor normal(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        new SeededRandom(seed).fillNormal(t.data(), 1.0);
        return t;
    }

    /** Normal values with mean 0 and the given standard deviation, by Box-Muller. */
    public void fillNormal(float[] v, double std) {
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1]: the log never sees 0
            double u2 = random.nextDouble();
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            v[i] = (float) (std * r * StrictMath.cos(2 * StrictMath.PI * u2));
            if (i + 1 < v.length) {
                v[i + 1] = (float) (std * r * StrictMath.sin(2 * StrictMath.PI * u2));
            }
        }
    }

    /** Uniform values in [low, high). */
    public void fillUniform(float[] v, double low, double high) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (low + (high - low) * random.nextDouble());
        }
    }
}
