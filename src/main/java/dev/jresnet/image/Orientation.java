package dev.jresnet.image;

/**
 * EXIF orientation (TIFF tag 274) applied to the pixels, as PIL's ImageOps.exif_transpose does: 2 mirror, 3 rotate
 * 180, 4 flip, 5 transpose, 6 rotate 90 clockwise (PIL's ROTATE_270), 7 transverse, 8 rotate 90 counter-clockwise.
 */
final class Orientation {
    private Orientation() {
    }

    static RgbImage apply(RgbImage in, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return in;
        }
        boolean swap = orientation >= 5;
        int w = swap ? in.height() : in.width();
        int h = swap ? in.width() : in.height();
        byte[] out = new byte[in.rgb().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // the source pixel (sx, sy) that lands at (x, y)
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = in.width() - 1 - x; sy = y; }
                    case 3 -> { sx = in.width() - 1 - x; sy = in.height() - 1 - y; }
                    case 4 -> { sx = x; sy = in.height() - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = in.height() - 1 - x; }
                    case 7 -> { sx = in.width() - 1 - y; sy = in.height() - 1 - x; }
                    default -> { sx = in.width() - 1 - y; sy = x; } // 8
                }
                System.arraycopy(in.rgb(), (sy * in.width() + sx) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return new RgbImage(w, h, out);
    }
}
