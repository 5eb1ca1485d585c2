package dev.jresnet.gpu.sim;

import jcuda.NativePointerObject;
import jcuda.Pointer;

import java.lang.reflect.Field;
import java.nio.Buffer;

/**
 * What JCuda's native code would read and write inside JCuda's objects: a handle's or pointer's native address, a
 * Pointer's byte offset, the Java buffer a host Pointer wraps, and the pointer array of a kernel-parameter Pointer.
 * The simulated device fills and reads these fields the way the JNI libraries do, so the objects jresnet passes are
 * JCuda's own, unchanged.
 */
final class JCudaObjects {
    private static final Field NATIVE_POINTER = field(NativePointerObject.class, "nativePointer");
    private static final Field BYTE_OFFSET = field(Pointer.class, "byteOffset");
    private static final Field BUFFER = field(Pointer.class, "buffer");
    private static final Field POINTERS = field(Pointer.class, "pointers");

    private JCudaObjects() {
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("JCuda's " + type.getSimpleName() + " has no field " + name
                    + ": the simulated device needs updating for this JCuda version", e);
        }
    }

    /** The native address a handle or pointer holds (0 for a null handle or a Java-array pointer). */
    static long address(NativePointerObject o) {
        try {
            return o == null ? 0 : NATIVE_POINTER.getLong(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static void setAddress(NativePointerObject o, long address) {
        try {
            NATIVE_POINTER.setLong(o, address);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address a device or pinned pointer designates: its native address plus its byte offset. */
    static long target(Pointer p) {
        return address(p) + byteOffset(p);
    }

    static long byteOffset(Pointer p) {
        try {
            return p == null ? 0 : BYTE_OFFSET.getLong(p);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Java buffer of a host pointer (Pointer.to(float[]) and the like, or page-locked memory), or null. */
    static Buffer buffer(Pointer p) {
        try {
            return p == null ? null : (Buffer) BUFFER.get(p);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static void setBuffer(Pointer p, Buffer buffer) {
        try {
            BUFFER.set(p, buffer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The objects a Pointer.to(NativePointerObject...) points to (kernel parameters), or null. */
    static NativePointerObject[] pointers(Pointer p) {
        try {
            return p == null ? null : (NativePointerObject[]) POINTERS.get(p);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
