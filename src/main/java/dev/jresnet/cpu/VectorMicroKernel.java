package dev.jresnet.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link MicroKernel} on the Vector API: the 4 x 16 tile lives in eight 256-bit accumulators; each step of k
 * loads two vectors of B, broadcasts four values of A and issues eight FMAs. Measured on AVX2 (CPU-NOTES.md):
 * 89-95 GFLOP/s per core on JDK 17 and 25, where wider tiles spill registers on one JDK or the other.
 * Loaded only through {@link MicroKernel#best()}.
 */
final class VectorMicroKernel implements MicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int ROWS = 4;
    private static final int COLS = 16;

    /** @throws UnsupportedOperationException where the hardware's vectors are narrower (they would be emulated) */
    VectorMicroKernel() {
        if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < S.vectorBitSize()) {
            throw new UnsupportedOperationException("native vectors are " + FloatVector.SPECIES_PREFERRED.vectorBitSize()
                    + "-bit, narrower than the 256-bit tile");
        }
    }

    @Override
    public int rows() {
        return ROWS;
    }

    @Override
    public int cols() {
        return COLS;
    }

    @Override
    public void tile(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc, boolean accumulate,
                     float[] bias, int biasOff) {
        int c0 = cOff, c1 = cOff + ldc, c2 = cOff + 2 * ldc, c3 = cOff + 3 * ldc;
        FloatVector r00, r01, r10, r11, r20, r21, r30, r31;
        if (accumulate) {
            r00 = FloatVector.fromArray(S, c, c0);
            r01 = FloatVector.fromArray(S, c, c0 + 8);
            r10 = FloatVector.fromArray(S, c, c1);
            r11 = FloatVector.fromArray(S, c, c1 + 8);
            r20 = FloatVector.fromArray(S, c, c2);
            r21 = FloatVector.fromArray(S, c, c2 + 8);
            r30 = FloatVector.fromArray(S, c, c3);
            r31 = FloatVector.fromArray(S, c, c3 + 8);
        } else {
            r00 = FloatVector.broadcast(S, bias[biasOff]);
            r10 = FloatVector.broadcast(S, bias[biasOff + 1]);
            r20 = FloatVector.broadcast(S, bias[biasOff + 2]);
            r30 = FloatVector.broadcast(S, bias[biasOff + 3]);
            r01 = r00;
            r11 = r10;
            r21 = r20;
            r31 = r30;
        }
        int ai = aOff;
        int bi = bOff;
        for (int k = 0; k < kc; k++, ai += ROWS, bi += COLS) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + 8);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            r00 = a0.fma(b0, r00);
            r01 = a0.fma(b1, r01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            r10 = a1.fma(b0, r10);
            r11 = a1.fma(b1, r11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            r20 = a2.fma(b0, r20);
            r21 = a2.fma(b1, r21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            r30 = a3.fma(b0, r30);
            r31 = a3.fma(b1, r31);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c0 + 8);
        r10.intoArray(c, c1);
        r11.intoArray(c, c1 + 8);
        r20.intoArray(c, c2);
        r21.intoArray(c, c2 + 8);
        r30.intoArray(c, c3);
        r31.intoArray(c, c3 + 8);
    }

    @Override
    public void finish(float[] c, int cOff, int ldc, float[] residual, boolean relu) {
        VectorTileEpilogue.apply(S, ROWS, COLS, c, cOff, ldc, residual, relu);
    }

    @Override
    public String description() {
        return "Vector API, 256-bit";
    }
}
