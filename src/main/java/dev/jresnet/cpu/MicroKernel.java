package dev.jresnet.cpu;

/**
 * The innermost step of the convolution GEMM: one {@value #ROWS} x {@value #COLS} tile of C from a packed A panel
 * (kc x ROWS, row index fastest) and a packed B panel (kc x COLS, column index fastest):
 *
 * <pre>
 * C[i][j] = start[i] + sum_{k < kc} A[aOff + k*ROWS + i] * B[bOff + k*COLS + j]
 * start   = C[i][j] when accumulate, else bias[biasOff + i]
 * </pre>
 *
 * C is addressed as {@code c[cOff + i * ldc + j]}. Both panels are contiguous, so the loads stream through one
 * small region (a few TLB pages) whatever the layout they were packed from.
 */
interface MicroKernel {
    int ROWS = 4;
    int COLS = 16;

    void tile(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc, boolean accumulate,
              float[] bias, int biasOff);

    /** What runs the tile, for logs and benchmark tables. */
    String description();

    /**
     * The Vector API kernel when the jdk.incubator.vector module is present and 256-bit vectors are native, else
     * the scalar one. The vector class is loaded only after the module check, so a JVM started without
     * {@code --add-modules jdk.incubator.vector} never tries to link it.
     */
    static MicroKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (MicroKernel) Class.forName("dev.jresnet.cpu.VectorMicroKernel")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // The module is there but unusable here (see VectorMicroKernel's constructor): scalar it is.
                return new ScalarMicroKernel();
            }
        }
        return new ScalarMicroKernel();
    }
}
