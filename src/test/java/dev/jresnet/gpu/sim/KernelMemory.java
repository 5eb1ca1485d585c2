package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.sim.ptx.GlobalMemory;

import java.nio.ByteBuffer;

/**
 * Global memory as one kernel launch sees it: every load and store checked against the live allocations of the
 * launch's device (page-locked host memory is mapped into every device, so it is reachable too), and against the
 * happens-before order of the launch ({@link HappensBefore}). Blocks may run on several threads: each remembers the
 * allocation it last loaded from and the one it last stored to, which is where the next access almost always is; the
 * order is checked when an access goes elsewhere.
 */
final class KernelMemory implements GlobalMemory {
    private final AddressSpace memory;
    private final int device;
    private final String kernel;
    private final ThreadLocal<Allocation> lastLoaded = new ThreadLocal<>();
    private final ThreadLocal<Allocation> lastStored = new ThreadLocal<>();

    KernelMemory(AddressSpace memory, int device, String kernel) {
        this.memory = memory;
        this.device = device;
        this.kernel = kernel;
    }

    private Allocation allocationFor(long address, int bytes, boolean store) {
        ThreadLocal<Allocation> last = store ? lastStored : lastLoaded;
        Allocation a = last.get();
        if (a == null || address < a.address || address + bytes > a.address + a.size || a.freed()) {
            String use = "kernel " + kernel;
            a = memory.resolve(address, bytes, null, device, use, bytes + (store ? "-byte store" : "-byte load")).allocation();
            memory.accessed(a, store, use);
            last.set(a);
        }
        return a;
    }

    @Override
    public long load(long address, int bytes) {
        Allocation a = allocationFor(address, bytes, false);
        ByteBuffer b = a.storage();
        int at = (int) (address - a.address);
        return switch (bytes) {
            case 1 -> b.get(at) & 0xFFL;
            case 2 -> b.getShort(at) & 0xFFFFL;
            case 4 -> b.getInt(at) & 0xFFFF_FFFFL;
            case 8 -> b.getLong(at);
            default -> throw new IllegalArgumentException(bytes + "-byte load");
        };
    }

    @Override
    public void store(long address, int bytes, long bits) {
        Allocation a = allocationFor(address, bytes, true);
        ByteBuffer b = a.storage();
        int at = (int) (address - a.address);
        switch (bytes) {
            case 1 -> b.put(at, (byte) bits);
            case 2 -> b.putShort(at, (short) bits);
            case 4 -> b.putInt(at, (int) bits);
            case 8 -> b.putLong(at, bits);
            default -> throw new IllegalArgumentException(bytes + "-byte store");
        }
    }
}
