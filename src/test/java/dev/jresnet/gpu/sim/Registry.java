package dev.jresnet.gpu.sim;

import jcuda.NativePointerObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live objects of one kind (streams, events, cuDNN descriptors, handles...) behind the opaque handles the
 * simulated libraries hand out. A handle nobody created is a fault, as is one used or destroyed after it was destroyed;
 * what is still live when the simulated device closes is a leak.
 *
 * @param <T> the simulated object
 */
final class Registry<T> {
    private final String kind;
    private final long base;
    private final Map<Long, T> live = new LinkedHashMap<>();
    private final Map<Long, String> origins = new LinkedHashMap<>();
    private final Map<Long, String> destroyed = new LinkedHashMap<>();
    private long next;

    /** @param base the first handle value; kinds get disjoint ranges so a handle of one kind never passes for another */
    Registry(String kind, long base) {
        this.kind = kind;
        this.base = base;
    }

    /** Registers {@code object} and writes its handle into {@code handle}. */
    T create(NativePointerObject handle, T object, String origin) {
        long id = base + (++next) * 16;
        JCudaObjects.setAddress(handle, id);
        live.put(id, object);
        origins.put(id, origin);
        return object;
    }

    /** The object behind {@code handle}; null for a null handle (the caller returns the library's BAD_PARAM). */
    T get(NativePointerObject handle, String call) {
        long id = JCudaObjects.address(handle);
        if (id == 0) {
            return null;
        }
        T object = live.get(id);
        if (object == null) {
            throw new SimulatedFault(call + ": " + describe(id));
        }
        return object;
    }

    T destroy(NativePointerObject handle, String call) {
        T object = get(handle, call);
        if (object != null) {
            long id = JCudaObjects.address(handle);
            live.remove(id);
            destroyed.put(id, call + " (created at " + origins.remove(id) + ")");
        }
        return object;
    }

    private String describe(long id) {
        String by = destroyed.get(id);
        return by != null ? kind + " 0x" + Long.toHexString(id) + " was already destroyed by " + by
                : "0x" + Long.toHexString(id) + " is not a " + kind + " this device created";
    }

    Iterable<T> all() {
        return List.copyOf(live.values());
    }

    /** One line per object never destroyed. */
    List<String> leaks() {
        List<String> lines = new ArrayList<>();
        origins.forEach((id, origin) -> lines.add(kind + " 0x" + Long.toHexString(id) + " created at " + origin));
        return lines;
    }
}
