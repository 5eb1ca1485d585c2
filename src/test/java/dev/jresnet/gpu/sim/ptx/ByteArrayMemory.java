package dev.jresnet.gpu.sim.ptx;

import java.util.concurrent.atomic.LongAdder;

/**
 * Device memory for the tests: a byte array standing at address {@code base}; any access outside it throws, as a
 * simulator's bounds check would. Blocks may run on several threads; they touch different bytes.
 */
final class ByteArrayMemory implements GlobalMemory {
    /** Where device addresses start: high, like a GPU's, so that addresses need all 64 bits. */
    static final long BASE = 0x7f3a_0000_0000L;

    final long base;
    private final byte[] bytes;
    private long free;
    private final LongAdder[] loadsBySize = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};

    ByteArrayMemory(long base, int size) {
        this.base = base;
        this.bytes = new byte[size];
        this.free = base;
    }

    ByteArrayMemory(int size) {
        this(BASE, size);
    }

    /** The next {@code size} bytes, starting 256-byte aligned (as cudaMalloc's are). */
    long allocate(int size) {
        long at = (free + 255) & ~255L;
        if (at + size > base + bytes.length) {
            throw new IllegalStateException("test memory too small for " + size + " more bytes");
        }
        free = at + size;
        return at;
    }

    @Override
    public long load(long address, int count) {
        int at = index(address, count);
        loadsBySize[Integer.numberOfTrailingZeros(count)].increment();
        long v = 0;
        for (int i = count - 1; i >= 0; i--) {
            v = (v << 8) | (bytes[at + i] & 0xff);
        }
        return v;
    }

    @Override
    public void store(long address, int count, long bits) {
        int at = index(address, count);
        for (int i = 0; i < count; i++) {
            bytes[at + i] = (byte) (bits >>> (8 * i));
        }
    }

    private int index(long address, int count) {
        if (count != 1 && count != 2 && count != 4 && count != 8) {
            throw new IllegalArgumentException("access of " + count + " bytes");
        }
        if (address < base || address + count > base + bytes.length) {
            throw new IndexOutOfBoundsException("address 0x" + Long.toHexString(address) + " (+" + count
                    + ") is outside [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + bytes.length) + ")");
        }
        return (int) (address - base);
    }

    /** How many loads of {@code size} bytes ran: the interpreter moves a float4 in two 8-byte pieces. */
    long loads(int size) {
        return loadsBySize[Integer.numberOfTrailingZeros(size)].sum();
    }

    void putFloats(long address, float[] values) {
        for (int i = 0; i < values.length; i++) {
            store(address + 4L * i, 4, Float.floatToRawIntBits(values[i]));
        }
    }

    float[] getFloats(long address, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = Float.intBitsToFloat((int) load(address + 4L * i, 4));
        }
        return values;
    }

    void putShorts(long address, short[] values) {
        for (int i = 0; i < values.length; i++) {
            store(address + 2L * i, 2, values[i]);
        }
    }

    short[] getShorts(long address, int count) {
        short[] values = new short[count];
        for (int i = 0; i < count; i++) {
            values[i] = (short) load(address + 2L * i, 2);
        }
        return values;
    }

    void putBytes(long address, byte[] values) {
        for (int i = 0; i < values.length; i++) {
            store(address + i, 1, values[i]);
        }
    }
}
