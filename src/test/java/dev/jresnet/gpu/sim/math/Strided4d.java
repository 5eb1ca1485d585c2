package dev.jresnet.gpu.sim.math;

/**
 * Where element (n, c, h, w) of a 4-d tensor lives in a flat array: offset + n*nStride + c*cStride + h*hStride +
 * w*wStride, as a cuDNN 4-d tensor descriptor (cudnnSetTensor4dDescriptorEx) places it relative to its data pointer.
 * Dimensions, strides and the offset are non-negative, so every reachable index is too.
 */
public record Strided4d(int n, int c, int h, int w, long nStride, long cStride, long hStride, long wStride, long offset) {

    public Strided4d {
        if (n < 0 || c < 0 || h < 0 || w < 0) {
            throw new IllegalArgumentException("negative dimension in " + dims(n, c, h, w));
        }
        if (nStride < 0 || cStride < 0 || hStride < 0 || wStride < 0 || offset < 0) {
            throw new IllegalArgumentException("negative stride or offset: strides (" + nStride + ", " + cStride + ", "
                    + hStride + ", " + wStride + "), offset " + offset);
        }
    }

    /** Packed NCHW (CUDNN_TENSOR_NCHW): w varies fastest. */
    public static Strided4d nchw(int n, int c, int h, int w) {
        return new Strided4d(n, c, h, w, (long) c * h * w, (long) h * w, w, 1, 0);
    }

    /** Packed NHWC (CUDNN_TENSOR_NHWC): channels last, c varies fastest. */
    public static Strided4d nhwc(int n, int c, int h, int w) {
        return new Strided4d(n, c, h, w, (long) h * w * c, 1, (long) w * c, c, 0);
    }

    public long index(int n, int c, int h, int w) {
        return offset + n * nStride + c * cStride + h * hStride + w * wStride;
    }

    /** 1 + the largest index reachable (0 for an empty tensor): how many elements the array must hold. */
    public long span() {
        if (isEmpty()) {
            return 0;
        }
        return index(n - 1, c - 1, h - 1, w - 1) + 1;
    }

    public boolean isEmpty() {
        return n == 0 || c == 0 || h == 0 || w == 0;
    }

    /** The number of elements, n*c*h*w. */
    public long count() {
        return (long) n * c * h * w;
    }

    public boolean sameDims(Strided4d other) {
        return n == other.n && c == other.c && h == other.h && w == other.w;
    }

    /** "(n, c, h, w)", for messages. */
    public String dimsString() {
        return dims(n, c, h, w);
    }

    /** Throws IllegalArgumentException naming {@code what} when {@code data} is too short for this layout. */
    public void requireFits(float[] data, String what) {
        if (span() > data.length) {
            throw new IllegalArgumentException(what + ": layout " + this + " reaches index " + (span() - 1)
                    + " but the array holds " + data.length + " elements");
        }
    }

    private static String dims(int n, int c, int h, int w) {
        return "(" + n + ", " + c + ", " + h + ", " + w + ")";
    }
}
