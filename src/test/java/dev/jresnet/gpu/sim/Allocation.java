package dev.jresnet.gpu.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * One block of simulated memory: device memory (cudaMalloc, or taken inside cuDNN/cuBLAS) or page-locked host memory
 * (cudaHostAlloc). Device memory is materialized on first touch and filled with 0xFF bytes, which read as NaN in
 * every floating-point format: like cudaMalloc's, its content is undefined until written, and a read of memory
 * nobody wrote shows up as NaN in the results instead of a plausible zero. Addresses are never reused, so a freed
 * block still answers "what was here".
 */
final class Allocation {
    enum Kind {
        DEVICE("cudaMalloc"), PINNED("cudaHostAlloc"), LIBRARY("memory taken inside the library");

        final String call;

        Kind(String call) {
            this.call = call;
        }
    }

    static final byte POISON = (byte) 0xFF;

    final int id;
    final Kind kind;
    final int device;
    final long address;
    final long size;
    /** Where it was made: the first frames outside the simulator. */
    final String origin;
    private volatile ByteBuffer storage;
    private String freedBy;

    Allocation(int id, Kind kind, int device, long address, long size, String origin) {
        this.id = id;
        this.kind = kind;
        this.device = device;
        this.address = address;
        this.size = size;
        this.origin = origin;
        if (kind == Kind.PINNED) {
            storage(); // the host sees it at once, through JCuda's ByteBuffer
        }
    }

    /** The bytes, little-endian as the GPU stores them; created (poisoned) on first use. */
    ByteBuffer storage() {
        ByteBuffer s = storage;
        return s != null ? s : materialize();
    }

    private synchronized ByteBuffer materialize() {
        if (storage == null) {
            if (size > Integer.MAX_VALUE) {
                throw new SimulatedFault("the simulated device cannot hold " + describe() + ": one allocation of more "
                        + "than 2 GiB is beyond a Java array (real GPUs allow it; test with a smaller batch)");
            }
            storage = kind == Kind.PINNED ? ByteBuffer.allocateDirect((int) size) : ByteBuffer.allocate((int) size);
            storage.order(ByteOrder.LITTLE_ENDIAN);
            if (storage.hasArray()) {
                Arrays.fill(storage.array(), POISON);
            } else {
                for (int i = 0; i < size; i++) {
                    storage.put(i, POISON);
                }
            }
        }
        return storage;
    }

    boolean freed() {
        return freedBy != null;
    }

    void markFreed(String by) {
        freedBy = by;
        if (kind != Kind.PINNED) {
            storage = null; // a use after free is refused by address; the bytes need not be kept
        }
    }

    boolean contains(long a) {
        return a >= address && a < address + Math.max(size, 1);
    }

    String describe() {
        return String.format(Locale.ROOT, "allocation #%d (%s of %,d bytes%s, at 0x%x, made at %s%s)", id, kind.call, size,
                kind == Kind.PINNED ? "" : " on device " + device, address, origin,
                freedBy == null ? "" : "; freed by " + freedBy);
    }
}
