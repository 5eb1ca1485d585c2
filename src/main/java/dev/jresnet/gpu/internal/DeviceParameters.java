package dev.jresnet.gpu.internal;

import dev.jresnet.plan.Plan;
import dev.jresnet.plan.PlannerOptions;
import jcuda.Pointer;
import jcuda.runtime.cudaMemcpyKind;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of a plan on one GPU, as its steps read them (converted once, on the host, to the network's
 * precision and layout): one allocation, filled by one copy. Networks built from the same weights object with the same
 * plan options on the same GPU share it, so concurrent callers each with a network of their own hold one device copy
 * of the weights: the first network uploads it, the last one to close frees it. The weights are read when the first
 * of them is built; changing the host arrays afterwards does not reach the device copy.
 */
final class DeviceParameters {
    /** One parameter as the device stores it: the name steps look it up by, and its little-endian bytes. */
    record Host(String name, byte[] bytes) {
    }

    /** Offsets are multiples of this, as cudaMalloc's blocks are: cuDNN's and cuBLAS's vector loads need alignment. */
    private static final int ALIGN = 256;
    private static final Map<Key, DeviceParameters> SHARED = new HashMap<>();

    /** What makes two networks' parameters the same: the weights object itself (not its contents), GPU and plan. */
    private static final class Key {
        private final Object weights;
        private final int device;
        private final String model;
        private final PlannerOptions options;

        Key(Object weights, int device, Plan plan) {
            this.weights = weights;
            this.device = device;
            this.model = plan.model();
            this.options = plan.options();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.weights == weights && k.device == device && k.model.equals(model)
                    && k.options.equals(options);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(weights) * 31 + device * 17 + model.hashCode() + options.hashCode();
        }
    }

    private final Key key;
    private final DeviceBuffer memory;
    private final Map<String, Long> offsets;
    private int users;

    private DeviceParameters(GpuContext ctx, Key key, List<Host> parameters) {
        this.key = key;
        this.offsets = layout(parameters);
        long total = bytes(parameters);
        byte[] image = new byte[Math.toIntExact(total)];
        for (Host h : parameters) {
            System.arraycopy(h.bytes(), 0, image, Math.toIntExact(offsets.get(h.name())), h.bytes().length);
        }
        this.memory = new DeviceBuffer(ctx.cuda, total, "the parameters of " + key.model);
        try {
            // Synchronous from pageable memory: the copy may still be in flight on the legacy default stream when this
            // returns; the network waits for that stream once its construction is done.
            Cuda.runtime(ctx.cuda.cudaMemcpy(memory.pointer(), Pointer.to(image), total, cudaMemcpyKind.cudaMemcpyHostToDevice),
                    "cudaMemcpy", () -> "upload of " + total + " bytes of parameters of " + key.model);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /**
     * The parameters of {@code plan} from {@code weights} on the context's GPU: the ones already there if another
     * network holds them, else uploaded now. Held until {@code owner} closes.
     */
    static DeviceParameters acquire(GpuContext ctx, Object weights, Plan plan, List<Host> parameters, Resources owner) {
        synchronized (SHARED) {
            Key key = new Key(weights, ctx.info.device(), plan);
            DeviceParameters p = SHARED.get(key);
            if (p == null) {
                p = new DeviceParameters(ctx, key, parameters);
                SHARED.put(key, p);
            }
            p.users++;
            owner.onClose(p::release);
            return p;
        }
    }

    /** Whether a network of these weights and plan built on that GPU now would share parameters already there. */
    static boolean shared(Object weights, int device, Plan plan) {
        synchronized (SHARED) {
            return SHARED.containsKey(new Key(weights, device, plan));
        }
    }

    /** The device memory the parameters take, each aligned. */
    static long bytes(List<Host> parameters) {
        long total = 0;
        for (Host h : parameters) {
            total = align(total) + h.bytes().length;
        }
        return Math.max(total, 1);
    }

    private static long align(long offset) {
        return (offset + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static Map<String, Long> layout(List<Host> parameters) {
        Map<String, Long> at = new LinkedHashMap<>();
        long offset = 0;
        for (Host h : parameters) {
            offset = align(offset);
            if (at.put(h.name(), offset) != null) {
                throw new IllegalStateException("two parameters named " + h.name());
            }
            offset += h.bytes().length;
        }
        return at;
    }

    /** Where a parameter lies on the device. */
    Pointer at(String name) {
        Long offset = offsets.get(name);
        if (offset == null) {
            throw new IllegalStateException("no parameter " + name + " was uploaded for " + key.model);
        }
        return memory.pointer().withByteOffset(offset);
    }

    private void release() {
        synchronized (SHARED) {
            if (--users == 0) {
                SHARED.remove(key);
                memory.close();
            }
        }
    }
}
