package dev.jresnet.gpu.sim.math;

/** Tensor layouts for tests: the two packed formats, and strided ones with gaps and an offset. */
enum Layouts {
    NCHW,
    NHWC,
    /** NCHW order with 2 spare elements after each row, 1 spare row per channel, 3 spare elements per image, offset 7. */
    GAPPY_NCHW,
    /** NHWC order with 1 spare element after each pixel's channels and offset 5. */
    GAPPY_NHWC,
    /** An unusual dimension order, c slowest then w, h, n: nothing assumes NCHW or NHWC. */
    CWHN;

    Strided4d of(int n, int c, int h, int w) {
        return switch (this) {
            case NCHW -> Strided4d.nchw(n, c, h, w);
            case NHWC -> Strided4d.nhwc(n, c, h, w);
            case GAPPY_NCHW -> {
                long row = w + 2L;
                long plane = row * (h + 1);
                yield new Strided4d(n, c, h, w, plane * c + 3, plane, row, 1, 7);
            }
            case GAPPY_NHWC -> {
                long pixel = c + 1L;
                yield new Strided4d(n, c, h, w, pixel * w * h, 1, pixel * w, pixel, 5);
            }
            case CWHN -> new Strided4d(n, c, h, w, 1, (long) w * h * n, n, (long) h * n, 0);
        };
    }
}
