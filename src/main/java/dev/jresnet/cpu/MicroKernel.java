package dev.jresnet.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * The innermost step of the convolution GEMM: one {@link #rows()} x {@link #cols()} tile of C from a packed A panel
 * (kc x rows, row index fastest) and a packed B panel (kc x cols, column index fastest):
 *
 * <pre>
 * C[i][j] = start[i] + sum_{k < kc} A[aOff + k*rows + i] * B[bOff + k*cols + j]
 * start   = C[i][j] when accumulate, else bias[biasOff + i]
 * </pre>
 *
 * C is addressed as {@code c[cOff + i * ldc + j]}. Both panels are contiguous, so the loads stream through one
 * small region (a few TLB pages) whatever the layout they were packed from.
 */
interface MicroKernel {
    void tile(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc, boolean accumulate,
              float[] bias, int biasOff);

    /**
     * Adds the residual (at the same indices as C; none when null) to a tile of C and applies ReLU when asked, as
     * {@link PlainKernels#epilogue} does to each of its rows, bit for bit: for a tile just computed, still in L1.
     */
    void finish(float[] c, int cOff, int ldc, float[] residual, boolean relu);

    /** Rows of the tile: the weights (A) are packed in panels this tall. */
    int rows();

    /** Columns of the tile: two vectors' worth of lanes, so the B panels are packed this wide. */
    int cols();

    /** What runs the tile, for logs and benchmark tables. */
    String description();

    /**
     * The widest Vector API kernel whose vectors are native here (512-bit on AVX-512, else 256-bit), else the scalar
     * one: the first of {@link #available()}.
     */
    static MicroKernel best() {
        return available().get(0);
    }

    /**
     * Every kernel that runs natively on this machine, widest first, the scalar one last. The vector classes are
     * loaded only after the module check, so a JVM started without {@code --add-modules jdk.incubator.vector} never
     * tries to link them.
     */
    static List<MicroKernel> available() {
        List<MicroKernel> kernels = new ArrayList<>();
        if (VectorApi.enabled()) {
            for (String name : new String[]{"dev.jresnet.cpu.Vector512MicroKernel", "dev.jresnet.cpu.VectorMicroKernel"}) {
                try {
                    kernels.add((MicroKernel) Class.forName(name).getDeclaredConstructor().newInstance());
                } catch (ReflectiveOperationException | LinkageError e) {
                    // The module is there but these vectors are not native here (see the kernel's constructor).
                }
            }
        }
        if (kernels.isEmpty()) {
            VectorApi.warnIfMissing();
        }
        kernels.add(new ScalarMicroKernel());
        return List.copyOf(kernels);
    }
}
