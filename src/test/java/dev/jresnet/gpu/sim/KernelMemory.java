package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.sim.ptx.GlobalMemory;

import java.nio.ByteBuffer;

/**
 * Global memory as one kernel launch sees it: every load and store checked against the live allocations of the
 * launch's device (page-locked host memory is mapped into every device, so it is reachable too). Blocks may run on
 * several threads: each remembers the allocation it last touched, which is where the next access almost always is.
 */
final class KernelMemory implements GlobalMemory {
    private final AddressSpace memory;
    private final int device;
    private final String kernel;
    private final ThreadLocal<Allocation> last = new ThreadLocal<>();

    KernelMemory(AddressSpace memory, int device, String kernel) {
        this.memory = memory;
        this.device = device;
        this.kernel = kernel;
    }

    private ByteBuffer storageFor(long address, int bytes, String access) {
        Allocation a = last.get();
        if (a == null || address < a.address || address + bytes > a.address + a.size || a.freed()) {
            a = memory.resolve(address, bytes, null, device, "kernel " + kernel, access).allocation();
            last.set(a);
        }
        return a.storage();
    }

    @Override
    public long load(long address, int bytes) {
        ByteBuffer b = storageFor(address, bytes, bytes + "-byte load");
        int at = (int) (address - last.get().address);
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
        ByteBuffer b = storageFor(address, bytes, bytes + "-byte store");
        int at = (int) (address - last.get().address);
        switch (bytes) {
            case 1 -> b.put(at, (byte) bits);
            case 2 -> b.putShort(at, (short) bits);
            case 4 -> b.putInt(at, (int) bits);
            case 8 -> b.putLong(at, bits);
            default -> throw new IllegalArgumentException(bytes + "-byte store");
        }
    }
}
