package dev.jresnet.cpu;

import java.util.Arrays;

/** The {@link MicroKernel} in plain Java, for JVMs started without the Vector API module; sums in place in C. */
final class ScalarMicroKernel implements MicroKernel {
    private static final int ROWS = 4;
    private static final int COLS = 16;

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
        for (int i = 0; i < ROWS; i++) {
            int row = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, row, row + COLS, bias[biasOff + i]);
            }
            for (int k = 0; k < kc; k++) {
                float av = a[aOff + k * ROWS + i];
                int bRow = bOff + k * COLS;
                for (int j = 0; j < COLS; j++) {
                    c[row + j] += av * b[bRow + j];
                }
            }
        }
    }

    @Override
    public void finish(float[] c, int cOff, int ldc, float[] residual, boolean relu) {
        for (int i = 0; i < ROWS; i++) {
            PlainKernels.epilogue(c, residual, cOff + i * ldc, COLS, relu);
        }
    }

    @Override
    public String description() {
        return "scalar";
    }
}
