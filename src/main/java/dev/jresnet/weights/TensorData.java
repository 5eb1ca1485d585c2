package dev.jresnet.weights;

import dev.jresnet.tensor.BFloat16;
import dev.jresnet.tensor.Float16;
import dev.jresnet.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One stored tensor as it was read: element type, shape and the little-endian bytes, so that writing it back is
 * exact. {@link #toFloats()} widens floating types to float32.
 */
public record TensorData(DType dtype, int[] shape, byte[] bytes) {
    public TensorData {
        shape = shape.clone();
        long expected = Tensor.elementCount(shape) * dtype.bytes();
        if (expected != bytes.length) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + expected + " bytes, got " + bytes.length);
        }
    }

    public static TensorData ofFloats(int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorData(DType.F32, shape, b.array());
    }

    public static TensorData ofLongs(int[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new TensorData(DType.I64, shape, b.array());
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long elements() {
        return Tensor.elementCount(shape);
    }

    public boolean hasShape(int[] expected) {
        return Arrays.equals(shape, expected);
    }

    /** The values as float32; fails for integer tensors. */
    public float[] toFloats() {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) elements()];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float16.toFloat(b.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = BFloat16.toFloat(b.getShort());
                }
            }
            default -> throw new IllegalStateException(dtype + " tensor has no float values");
        }
        return out;
    }

    /** The same values in another floating type (rounding to nearest-even when narrowing). */
    public TensorData convertTo(DType target) {
        if (target == dtype) {
            return this;
        }
        if (!target.floating() || !dtype.floating()) {
            throw new IllegalArgumentException("cannot convert " + dtype + " to " + target);
        }
        float[] values = toFloats();
        if (target == DType.F32) {
            return ofFloats(shape, values);
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(target == DType.F16 ? Float16.fromFloat(v) : BFloat16.fromFloat(v));
        }
        return new TensorData(target, shape, b.array());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && dtype == t.dtype && Arrays.equals(shape, t.shape) && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
