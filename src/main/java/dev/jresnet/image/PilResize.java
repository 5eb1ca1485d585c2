package dev.jresnet.image;

import java.util.Arrays;

/**
 * Resizing exactly as Pillow's {@code Image.resize(size, BILINEAR)} on an 8-bit image, which torchvision's Resize
 * uses on PIL images: a triangle filter stretched by the downscale factor (so it antialiases), coefficients in
 * 22-bit fixed point, a horizontal pass into an 8-bit image, then a vertical pass. Same arithmetic, same bytes.
 */
final class PilResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /** The taps of one pass: for output position i, input positions [first[i], first[i] + count[i]) with weights. */
    private record Taps(int[] first, int[] count, int[] weights, int width) {
    }

    static RgbImage resize(RgbImage in, int outWidth, int outHeight) {
        Taps horizontal = taps(in.width(), outWidth);
        Taps vertical = taps(in.height(), outHeight);
        // Pillow's horizontal pass covers only the input rows the vertical pass will read.
        int firstRow = vertical.first()[0];
        int lastRow = vertical.first()[outHeight - 1] + vertical.count()[outHeight - 1];
        byte[] rows = in.rgb();
        int rowWidth = in.width();
        if (outWidth != in.width()) {
            rows = pass(in.rgb(), in.width(), firstRow, lastRow, horizontal, outWidth, true);
            rowWidth = outWidth;
        } else if (firstRow > 0 || lastRow < in.height()) {
            rows = Arrays.copyOfRange(in.rgb(), firstRow * in.width() * 3, lastRow * in.width() * 3);
        }
        if (outHeight == in.height()) {
            return new RgbImage(rowWidth, outHeight, rows);
        }
        for (int i = 0; i < outHeight; i++) {
            vertical.first()[i] -= firstRow;
        }
        return new RgbImage(rowWidth, outHeight, pass(rows, rowWidth, 0, lastRow - firstRow, vertical, outHeight, false));
    }

    /** Pillow's precompute_coeffs with the bilinear filter, normalised, then rounded to fixed point. */
    private static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the bilinear filter's support is 1
        double inverse = 1.0 / filterScale; // Pillow multiplies by the reciprocal: so must we, to round alike
        int width = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * width];
        double[] w = new double[width];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double total = 0;
            for (int x = 0; x < xmax; x++) {
                double t = Math.abs((x + xmin - center + 0.5) * inverse);
                w[x] = t < 1.0 ? 1.0 - t : 0.0;
                total += w[x];
            }
            for (int x = 0; x < xmax; x++) {
                double k = total != 0.0 ? w[x] / total : w[x];
                weights[o * width + x] = (int) (k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5 + k * (1 << PRECISION_BITS));
            }
            first[o] = xmin;
            count[o] = xmax;
        }
        return new Taps(first, count, weights, width);
    }

    /**
     * One pass over rows [rowFrom, rowTo) of an image {@code inWidth} pixels wide: horizontal mixes pixels within a
     * row (output width {@code outSize}), vertical mixes rows (output height {@code outSize}).
     */
    private static byte[] pass(byte[] in, int inWidth, int rowFrom, int rowTo, Taps taps, int outSize, boolean horizontal) {
        int outWidth = horizontal ? outSize : inWidth;
        int outHeight = horizontal ? rowTo - rowFrom : outSize;
        byte[] out = new byte[outWidth * outHeight * 3];
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                int o = horizontal ? x : y;
                int k = o * taps.width();
                for (int c = 0; c < 3; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int t = 0; t < taps.count()[o]; t++) {
                        int src = horizontal ? ((rowFrom + y) * inWidth + taps.first()[o] + t) * 3 + c
                                : ((taps.first()[o] + t) * inWidth + x) * 3 + c;
                        sum += (in[src] & 0xff) * taps.weights()[k + t];
                    }
                    out[(y * outWidth + x) * 3 + c] = (byte) Math.max(0, Math.min(255, sum >> PRECISION_BITS));
                }
            }
        }
        return out;
    }
}
