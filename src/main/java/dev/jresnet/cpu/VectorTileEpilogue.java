package dev.jresnet.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MicroKernel#finish} on vectors, for the Vector API kernels: per row of the tile, C + residual, then
 * max(., 0), the order of {@link PlainKernels#epilogue}. A vector's max is Math.max per lane (NaN kept, -0 becomes
 * 0), so the results are the plain loop's, bit for bit. The kernels pass their species as a constant; this small
 * method is inlined into them, where C2 compiles it to vector instructions.
 */
final class VectorTileEpilogue {
    private VectorTileEpilogue() {
    }

    static void apply(VectorSpecies<Float> s, int rows, int cols, float[] c, int cOff, int ldc, float[] residual,
                      boolean relu) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j += s.length()) {
                int at = cOff + i * ldc + j;
                FloatVector v = FloatVector.fromArray(s, c, at);
                if (residual != null) {
                    v = v.add(FloatVector.fromArray(s, residual, at));
                }
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(c, at);
            }
        }
    }
}
