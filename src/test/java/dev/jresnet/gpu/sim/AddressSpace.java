package dev.jresnet.gpu.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where every simulated allocation lives: one address range per device, one for page-locked host memory, with a
 * guard gap after each block so that an access running off the end of one block cannot land in the next. Every access
 * the simulated libraries and kernels make is resolved here, and refused with a {@link SimulatedFault} unless it lies
 * entirely inside one live block of the right device.
 */
final class AddressSpace {
    /** 1 TiB per device: more than any GPU holds. */
    private static final long DEVICE_SPAN = 1L << 40;
    private static final long DEVICE_BASE = 0x7000_0000_0000L;
    private static final long PINNED_BASE = 0x2000_0000_0000L;
    /** cudaMalloc returns addresses aligned to at least 256 bytes; 512 here. */
    private static final long ALIGNMENT = 512;
    private static final long GUARD = 64 * 1024;

    /**
     * A byte range inside one live allocation, resolved for a call's operand. Reading and writing it are accesses the
     * happens-before order checks ({@link HappensBefore}); resolving it alone (to check bounds) is not.
     */
    record Region(Allocation allocation, long offset, long length, String use, HappensBefore order) {
        byte[] read() {
            order.accessed(allocation, false, use);
            byte[] out = new byte[Math.toIntExact(length)];
            allocation.storage().get(Math.toIntExact(offset), out);
            return out;
        }

        void write(byte[] bytes) {
            order.accessed(allocation, true, use);
            allocation.storage().put(Math.toIntExact(offset), bytes);
        }

        /** A little-endian view of exactly this range, to read. */
        ByteBuffer reading() {
            order.accessed(allocation, false, use);
            return view();
        }

        /** A little-endian view of exactly this range, to write (and read back). */
        ByteBuffer writing() {
            order.accessed(allocation, true, use);
            return view();
        }

        private ByteBuffer view() {
            return allocation.storage().slice(Math.toIntExact(offset), Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private final HappensBefore order;
    private final TreeMap<Long, Allocation> byAddress = new TreeMap<>();

    AddressSpace(HappensBefore order) {
        this.order = order;
    }

    /** A kernel's access: loads and stores are checked against the happens-before order too. */
    void accessed(Allocation a, boolean write, String use) {
        order.accessed(a, write, use);
    }
    private final Map<Integer, Long> nextDeviceAddress = new TreeMap<>();
    private final Map<Integer, Long> deviceBytesInUse = new TreeMap<>();
    private long nextPinnedAddress = PINNED_BASE;
    private int nextId = 1;

    Allocation allocate(Allocation.Kind kind, int device, long size, String origin) {
        long address;
        if (kind == Allocation.Kind.PINNED) {
            address = nextPinnedAddress;
            nextPinnedAddress = advance(address, size);
        } else {
            address = nextDeviceAddress.getOrDefault(device, DEVICE_BASE + device * DEVICE_SPAN);
            nextDeviceAddress.put(device, advance(address, size));
        }
        Allocation a = new Allocation(nextId++, kind, device, address, size, origin);
        byAddress.put(address, a);
        if (kind != Allocation.Kind.PINNED) {
            deviceBytesInUse.merge(device, size, Long::sum);
        }
        return a;
    }

    private static long advance(long address, long size) {
        return (address + size + GUARD + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** The block (live or freed) that holds this address, or null. */
    Allocation find(long address) {
        Map.Entry<Long, Allocation> e = byAddress.floorEntry(address);
        return e != null && e.getValue().contains(address) ? e.getValue() : null;
    }

    /** The block that starts exactly here, or null: what cudaFree and cudaFreeHost accept. */
    Allocation startingAt(long address) {
        return byAddress.get(address);
    }

    /**
     * [address, address + length) inside one live allocation of the given kind and device (device -1: any), or a
     * fault naming the call, the operand and what the memory is.
     */
    Region resolve(long address, long length, Allocation.Kind kind, int device, String call, String operand) {
        Allocation a = find(address);
        if (a == null) {
            Allocation before = byAddress.floorEntry(address) == null ? null : byAddress.floorEntry(address).getValue();
            throw new SimulatedFault(String.format(Locale.ROOT, "%s: %s [0x%x, +%,d bytes) is in no allocation%s", call,
                    operand, address, length, before == null ? "" : String.format(Locale.ROOT, "; it starts %,d bytes past "
                            + "the end of %s", address - before.address - before.size, before.describe())));
        }
        if (a.freed()) {
            throw new SimulatedFault(call + ": " + operand + " uses freed memory: " + a.describe());
        }
        if (kind != null && a.kind != kind && !(kind == Allocation.Kind.DEVICE && a.kind == Allocation.Kind.LIBRARY)) {
            throw new SimulatedFault(call + ": " + operand + " must be " + (kind == Allocation.Kind.PINNED
                    ? "page-locked host memory" : "device memory") + ", but is " + a.describe());
        }
        if (device >= 0 && a.kind != Allocation.Kind.PINNED && a.device != device) {
            throw new SimulatedFault(call + ": " + operand + " is on device " + a.device + ", but the call runs on device "
                    + device + " (no peer access is enabled): " + a.describe());
        }
        long offset = address - a.address;
        if (length < 0 || offset + length > a.size) {
            throw new SimulatedFault(String.format(Locale.ROOT, "%s: %s [0x%x, +%,d bytes) runs %,d bytes past the end of %s",
                    call, operand, address, length, offset + length - a.size, a.describe()));
        }
        return new Region(a, offset, length, call + " " + operand, order);
    }

    /** Live blocks, oldest first. */
    List<Allocation> live() {
        return byAddress.values().stream().filter(a -> !a.freed()).collect(Collectors.toCollection(ArrayList::new));
    }

    void free(Allocation a, String by) {
        a.markFreed(by);
        if (a.kind != Allocation.Kind.PINNED) {
            deviceBytesInUse.merge(a.device, -a.size, Long::sum);
        }
    }

    /** Bytes of live device memory (cudaMalloc and library) on one device. */
    long deviceBytesInUse(int device) {
        return deviceBytesInUse.getOrDefault(device, 0L);
    }
}
