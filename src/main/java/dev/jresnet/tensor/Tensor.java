package dev.jresnet.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in C order (row-major, last index fastest), such as a batch laid out (N, C, H, W)
 * or a matrix of logits (N, classes). The array is shared, not copied: callers that keep a tensor must not
 * mutate the array they passed in.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    public Tensor(int[] shape, float[] data) {
        long count = elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + count + " elements but the data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long count = elementCount(shape);
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " elements, more than one Java array can hold");
        }
        return new Tensor(shape, new float[(int) count]);
    }

    /** Elements in a tensor of this shape; rejects negative dimensions. */
    public static long elementCount(int... shape) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    /** The rows [from, to) along axis 0, copied. */
    public Tensor slice(int from, int to) {
        if (rank() == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of shape " + Arrays.toString(shape));
        }
        int stride = shape[0] == 0 ? 0 : data.length / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(s, Arrays.copyOfRange(data, from * stride, to * stride));
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
