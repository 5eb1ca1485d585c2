package dev.jresnet.gpu.sim;

import jcuda.Pointer;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Pageable host memory as JCuda passes it: a Pointer wrapping a Java array or buffer (Pointer.to(float[]) and the
 * like), read and written from the pointer's byte offset with the bounds the JNI code would have had to respect.
 */
final class HostMemory {
    private HostMemory() {
    }

    /** Whether the pointer wraps Java memory rather than holding a device or page-locked address. */
    static boolean isPageable(Pointer p) {
        return p != null && JCudaObjects.address(p) == 0 && JCudaObjects.buffer(p) != null;
    }

    /** The bytes [offset, offset + count) of the Java memory behind {@code p}, little-endian. */
    static byte[] read(Pointer p, long count, String call, String operand) {
        Buffer b = JCudaObjects.buffer(p);
        long offset = JCudaObjects.byteOffset(p);
        check(b, offset, count, call, operand);
        ByteBuffer out = ByteBuffer.allocate((int) count).order(ByteOrder.LITTLE_ENDIAN);
        int size = elementSize(b);
        int first = (int) (offset / size);
        int n = (int) (count / size);
        if (b instanceof ByteBuffer bb) {
            for (int i = 0; i < count; i++) {
                out.put(i, bb.get((int) offset + i));
            }
        } else if (b instanceof FloatBuffer fb) {
            for (int i = 0; i < n; i++) {
                out.putFloat(i * 4, fb.get(first + i));
            }
        } else if (b instanceof IntBuffer ib) {
            for (int i = 0; i < n; i++) {
                out.putInt(i * 4, ib.get(first + i));
            }
        } else if (b instanceof LongBuffer lb) {
            for (int i = 0; i < n; i++) {
                out.putLong(i * 8, lb.get(first + i));
            }
        } else if (b instanceof ShortBuffer sb) {
            for (int i = 0; i < n; i++) {
                out.putShort(i * 2, sb.get(first + i));
            }
        } else if (b instanceof DoubleBuffer db) {
            for (int i = 0; i < n; i++) {
                out.putDouble(i * 8, db.get(first + i));
            }
        } else {
            throw new SimulatedFault(call + ": " + operand + " wraps a " + b.getClass().getSimpleName());
        }
        return out.array();
    }

    /** Writes little-endian bytes into the Java memory behind {@code p} from its byte offset. */
    static void write(Pointer p, byte[] bytes, String call, String operand) {
        Buffer b = JCudaObjects.buffer(p);
        long offset = JCudaObjects.byteOffset(p);
        check(b, offset, bytes.length, call, operand);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int size = elementSize(b);
        int first = (int) (offset / size);
        int n = bytes.length / size;
        if (b instanceof ByteBuffer bb) {
            for (int i = 0; i < bytes.length; i++) {
                bb.put((int) offset + i, bytes[i]);
            }
        } else if (b instanceof FloatBuffer fb) {
            for (int i = 0; i < n; i++) {
                fb.put(first + i, in.getFloat(i * 4));
            }
        } else if (b instanceof IntBuffer ib) {
            for (int i = 0; i < n; i++) {
                ib.put(first + i, in.getInt(i * 4));
            }
        } else if (b instanceof LongBuffer lb) {
            for (int i = 0; i < n; i++) {
                lb.put(first + i, in.getLong(i * 8));
            }
        } else if (b instanceof ShortBuffer sb) {
            for (int i = 0; i < n; i++) {
                sb.put(first + i, in.getShort(i * 2));
            }
        } else if (b instanceof DoubleBuffer db) {
            for (int i = 0; i < n; i++) {
                db.put(first + i, in.getDouble(i * 8));
            }
        } else {
            throw new SimulatedFault(call + ": " + operand + " wraps a " + b.getClass().getSimpleName());
        }
    }

    /** A host scalar such as cuDNN's alpha and beta: a float, or a double where the call computes in double. */
    static double scalar(Pointer p, boolean isDouble, String call, String operand) {
        if (p == null || (JCudaObjects.address(p) == 0 && JCudaObjects.buffer(p) == null)) {
            throw new SimulatedFault(call + ": " + operand + " is a null pointer");
        }
        if (!isPageable(p)) {
            throw new SimulatedFault(call + ": " + operand + " must point to host memory (the default pointer mode)");
        }
        ByteBuffer b = ByteBuffer.wrap(read(p, isDouble ? 8 : 4, call, operand)).order(ByteOrder.LITTLE_ENDIAN);
        return isDouble ? b.getDouble(0) : b.getFloat(0);
    }

    private static void check(Buffer b, long offset, long count, String call, String operand) {
        int size = elementSize(b);
        long capacity = (long) b.capacity() * size;
        if (offset < 0 || count < 0 || offset + count > capacity || offset % size != 0 || count % size != 0) {
            throw new SimulatedFault(call + ": " + operand + " [" + offset + ", +" + count + " bytes) does not fit the "
                    + capacity + "-byte Java " + b.getClass().getSimpleName() + " it points into");
        }
    }

    private static int elementSize(Buffer b) {
        if (b instanceof ByteBuffer) {
            return 1;
        } else if (b instanceof ShortBuffer) {
            return 2;
        } else if (b instanceof FloatBuffer || b instanceof IntBuffer) {
            return 4;
        }
        return 8;
    }
}
