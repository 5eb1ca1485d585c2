package dev.jresnet.cpu;

/** One worker's scratch memory for the fast convolutions, kept and reused across calls (grown when too small). */
final class ConvScratch {
    /** A GEMM task's accumulator block, rows x columns (128 KiB: stays in L2). */
    final float[] accumulators = new float[GemmConvolution.ACCUMULATORS];
    /** The packed panels of B for a task's columns, KC rows deep (256 KiB at most: stays in L2). */
    final float[] bPanel = new float[GemmConvolution.KC * GemmConvolution.NC];
    /** The runs of a task's columns that are consecutive in the source: source start, panel position, length. */
    final int[] runs = new int[3 * GemmConvolution.NC];
    private float[] transformedInput = new float[0];
    private float[] products = new float[0];
    private final float[][] inputRows = new float[4][0];
    /** Winograd: the four outputs (2x2) of each tile of a block, one array per output position. */
    private final float[][] outputTiles = new float[4][WinogradConvolution.MAX_BLOCK_TILES];

    /** Winograd: the 16 transforms of a block of input tiles, at least {@code floats} long. */
    float[] transformedInput(int floats) {
        if (transformedInput.length < floats) {
            transformedInput = new float[floats];
        }
        return transformedInput;
    }

    /** Winograd: the 16 products U x V of a block of tiles, at least {@code floats} long. */
    float[] products(int floats) {
        if (products.length < floats) {
            products = new float[floats];
        }
        return products;
    }

    /** Winograd: four input rows of at least {@code floats} each. */
    float[][] inputRows(int floats) {
        if (inputRows[0].length < floats) {
            for (int y = 0; y < 4; y++) {
                inputRows[y] = new float[floats];
            }
        }
        return inputRows;
    }

    float[][] outputTiles() {
        return outputTiles;
    }
}
