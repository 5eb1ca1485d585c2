package dev.jresnet.gpu.sim.ptx;

/**
 * The device memory a kernel reads and writes: generic and .global addresses, which are the same here. Implemented by
 * the simulator; blocks may run on several threads at once, so implementations must allow concurrent calls.
 */
public interface GlobalMemory {
    /**
     * The {@code bytes} (1, 2, 4 or 8) bytes at {@code address} as a little-endian number, zero-extended. May throw any
     * RuntimeException (out of bounds, freed memory...); the interpreter reports it with the faulting thread.
     */
    long load(long address, int bytes);

    /** Writes the low {@code bytes} (1, 2, 4 or 8) bytes of {@code bits}, little-endian, at {@code address}. */
    void store(long address, int bytes, long bits);
}
