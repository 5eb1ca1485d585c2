package dev.jresnet.gpu.sim;

import jcuda.Pointer;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The CUDA runtime calls jresnet makes, as CUDA 12/13 documents them: devices, memory with cudaMemGetInfo's
 * accounting, copies with their synchronization rules (a copy from pageable memory may return before the device
 * has the data), streams, events, and the calls stream capture forbids.
 */
final class SimRuntime {
    /** JCuda 12.6's runtime is linked statically: this is what cudaRuntimeGetVersion says whatever the driver. */
    static final int RUNTIME_VERSION = 12060;
    private static final long EVENT_BASE = 0x5200_0000L;

    /** A recorded point in a stream: complete once the stream has run that far. */
    static final class SimEvent {
        final int device;
        SimStream stream;
        long position;

        SimEvent(int device) {
            this.device = device;
        }
    }

    private final Machine m;
    final Registry<SimEvent> events = new Registry<>("event", EVENT_BASE);
    private final ThreadLocal<Integer> lastError = ThreadLocal.withInitial(() -> cudaError.cudaSuccess);

    SimRuntime(Machine m) {
        this.m = m;
    }

    private int error(int status, String call, String why) {
        lastError.set(status);
        return m.refuse(status, call, why);
    }

    /** cudaErrorIllegalAddress for every call on a device whose queued work faulted. */
    private boolean faulted(int device) {
        return m.stickyFault(device) != null;
    }

    public int cudaGetDeviceCount(int[] count) {
        if (m.config.driverVersion() < 12000) {
            count[0] = 0;
            return error(cudaError.cudaErrorInsufficientDriver, "cudaGetDeviceCount", "JCuda's CUDA 12.6 runtime needs a "
                    + "driver for CUDA 12.0 or newer; this one supports " + m.config.driverVersion());
        }
        count[0] = m.config.devices().size();
        return count[0] == 0 ? error(cudaError.cudaErrorNoDevice, "cudaGetDeviceCount", "no devices") : cudaError.cudaSuccess;
    }

    public int cudaSetDevice(int device) {
        if (device < 0 || device >= m.config.devices().size()) {
            return error(cudaError.cudaErrorInvalidDevice, "cudaSetDevice", "device " + device + " of "
                    + m.config.devices().size());
        }
        m.setCurrent(device);
        return cudaError.cudaSuccess;
    }

    public int cudaGetDevice(int[] device) {
        device[0] = m.current();
        return cudaError.cudaSuccess;
    }

    public int cudaGetDeviceProperties(cudaDeviceProp prop, int device) {
        if (device < 0 || device >= m.config.devices().size()) {
            return error(cudaError.cudaErrorInvalidDevice, "cudaGetDeviceProperties", "device " + device);
        }
        DeviceSpec s = m.spec(device);
        prop.name = Arrays.copyOf(s.name().getBytes(StandardCharsets.US_ASCII), 256);
        prop.totalGlobalMem = s.totalMemory();
        prop.major = s.computeMajor();
        prop.minor = s.computeMinor();
        prop.multiProcessorCount = s.multiprocessors();
        return cudaError.cudaSuccess;
    }

    public int cudaDriverGetVersion(int[] version) {
        version[0] = m.config.driverVersion();
        return cudaError.cudaSuccess;
    }

    public int cudaRuntimeGetVersion(int[] version) {
        version[0] = RUNTIME_VERSION;
        return cudaError.cudaSuccess;
    }

    public int cudaMemGetInfo(long[] free, long[] total) {
        int d = m.current();
        free[0] = m.freeBytes(d);
        total[0] = m.spec(d).totalMemory();
        return cudaError.cudaSuccess;
    }

    public int cudaMalloc(Pointer devPtr, long size) {
        int d = m.current();
        if (faulted(d)) {
            return cudaError.cudaErrorIllegalAddress;
        }
        if (m.disturbsCapture("cudaMalloc")) {
            return error(cudaError.cudaErrorStreamCaptureUnsupported, "cudaMalloc", "during stream capture");
        }
        if (size < 0 || size > m.freeBytes(d)) {
            return error(cudaError.cudaErrorMemoryAllocation, "cudaMalloc", size + " bytes asked, " + m.freeBytes(d)
                    + " free on device " + d);
        }
        JCudaObjects.setAddress(devPtr, size == 0 ? 0 : m.memory.allocate(Allocation.Kind.DEVICE, d, size, Machine.callSite()).address);
        return cudaError.cudaSuccess;
    }

    public int cudaFree(Pointer devPtr) {
        long address = JCudaObjects.target(devPtr);
        if (address == 0) {
            return cudaError.cudaSuccess;
        }
        Allocation a = startOf(address, Allocation.Kind.DEVICE, "cudaFree");
        if (m.disturbsCapture("cudaFree")) {
            return error(cudaError.cudaErrorStreamCaptureUnsupported, "cudaFree", "during stream capture");
        }
        // cudaFree waits for the device to finish what it is doing, which may still use this memory.
        m.drainDevice(a.device);
        m.memory.free(a, "cudaFree at " + Machine.callSite());
        return cudaError.cudaSuccess;
    }

    public int cudaHostAlloc(Pointer hostPtr, long size, int flags) {
        if (m.disturbsCapture("cudaHostAlloc")) {
            return error(cudaError.cudaErrorStreamCaptureUnsupported, "cudaHostAlloc", "during stream capture");
        }
        Allocation a = m.memory.allocate(Allocation.Kind.PINNED, -1, size, Machine.callSite());
        JCudaObjects.setAddress(hostPtr, a.address);
        JCudaObjects.setBuffer(hostPtr, a.storage());
        return cudaError.cudaSuccess;
    }

    public int cudaFreeHost(Pointer hostPtr) {
        Allocation a = startOf(JCudaObjects.target(hostPtr), Allocation.Kind.PINNED, "cudaFreeHost");
        if (m.disturbsCapture("cudaFreeHost")) {
            return error(cudaError.cudaErrorStreamCaptureUnsupported, "cudaFreeHost", "during stream capture");
        }
        for (int d = 0; d < m.config.devices().size(); d++) {
            m.drainDevice(d); // queued copies may still read or write it
        }
        m.memory.free(a, "cudaFreeHost at " + Machine.callSite());
        return cudaError.cudaSuccess;
    }

    /** The live block a free call names: freeing anything else is a fault (a double free, or not a block start). */
    private Allocation startOf(long address, Allocation.Kind kind, String call) {
        Allocation a = m.memory.startingAt(address);
        if (a == null || a.kind != kind) {
            Allocation inside = m.memory.find(address);
            throw new SimulatedFault(call + ": 0x" + Long.toHexString(address) + " is not the start of a block "
                    + kind.call + " made" + (inside == null ? "" : "; it lies inside " + inside.describe()));
        }
        if (a.freed()) {
            throw new SimulatedFault(call + ": double free of " + a.describe());
        }
        return a;
    }

    // ---- copies ----

    /**
     * One side of a copy: Java memory, or an address in device or page-locked memory (resolved again when the copy
     * runs). With unified addressing a copy may name any device's memory, so no device is checked here.
     */
    private record Endpoint(Pointer pointer, long address, boolean pageable, boolean device) {
        boolean host() {
            return !device;
        }
    }

    private Endpoint endpoint(Pointer p, long count, String call, String operand) {
        if (HostMemory.isPageable(p)) {
            HostMemory.read(p, count, call, operand); // bounds
            return new Endpoint(p, 0, true, false);
        }
        long address = JCudaObjects.target(p);
        AddressSpace.Region r = m.memory.resolve(address, count, null, -1, call, operand);
        return new Endpoint(p, address, false, r.allocation().kind != Allocation.Kind.PINNED);
    }

    private byte[] read(Endpoint e, long count, String call) {
        return e.pageable() ? HostMemory.read(e.pointer(), count, call, "source")
                : m.memory.resolve(e.address(), count, null, -1, call, "source").read();
    }

    private void write(Endpoint e, byte[] bytes, String call) {
        if (e.pageable()) {
            HostMemory.write(e.pointer(), bytes, call, "destination");
        } else {
            m.memory.resolve(e.address(), bytes.length, null, -1, call, "destination").write(bytes);
        }
    }

    public int cudaMemcpy(Pointer dst, Pointer src, long count, int kind) {
        return copy(dst, src, count, kind, null, "cudaMemcpy");
    }

    public int cudaMemcpyAsync(Pointer dst, Pointer src, long count, int kind, cudaStream_t stream) {
        return copy(dst, src, count, kind, m.stream(stream, "cudaMemcpyAsync"), "cudaMemcpyAsync");
    }

    /** cudaMemcpy (stream null: the legacy stream, synchronous) and cudaMemcpyAsync, with CUDA's documented timing. */
    private int copy(Pointer dst, Pointer src, long count, int kind, SimStream stream, String call) {
        int d = m.current();
        if (faulted(d)) {
            return cudaError.cudaErrorIllegalAddress;
        }
        Endpoint to = endpoint(dst, count, call, "destination");
        Endpoint from = endpoint(src, count, call, "source");
        String mismatch = kindMismatch(kind, to, from);
        if (mismatch != null) {
            return error(cudaError.cudaErrorInvalidValue, call, mismatch);
        }
        String what = call + " of " + count + " bytes (" + cudaMemcpyKind.stringFor(kind) + ")";
        if (stream == null) {
            if (m.disturbsCapture(call)) {
                return error(cudaError.cudaErrorStreamCaptureUnsupported, call, "a synchronous copy during stream capture");
            }
            SimStream legacy = m.legacyStream(d);
            if (from.pageable() && to.device()) {
                // "May return before the DMA to the final destination has completed": staged now, written when the
                // legacy stream runs, which non-blocking streams do not wait for.
                byte[] staged = read(from, count, call);
                return m.enqueue(legacy, what, () -> write(to, staged, call));
            }
            m.enqueue(legacy, "cudaMemcpy waits", () -> { });
            m.hostSynchronizes(legacy);
            write(to, read(from, count, call), call);
            return cudaError.cudaSuccess;
        }
        if (stream.capture != null && (from.pageable() || to.pageable())) {
            m.disturbsCapture(call);
            return error(cudaError.cudaErrorStreamCaptureUnsupported, call, "pageable host memory cannot be captured");
        }
        if (from.pageable() && to.device()) {
            byte[] staged = read(from, count, call);
            return m.enqueue(stream, what, () -> write(to, staged, call));
        }
        if (to.pageable()) {
            // A copy into pageable memory returns only when it is done.
            m.hostSynchronizes(stream);
            write(to, read(from, count, call), call);
            return cudaError.cudaSuccess;
        }
        return m.enqueue(stream, what, () -> write(to, read(from, count, call), call));
    }

    private static String kindMismatch(int kind, Endpoint to, Endpoint from) {
        boolean ok = switch (kind) {
            case cudaMemcpyKind.cudaMemcpyHostToDevice -> from.host() && to.device();
            case cudaMemcpyKind.cudaMemcpyDeviceToHost -> from.device() && to.host();
            case cudaMemcpyKind.cudaMemcpyDeviceToDevice -> from.device() && to.device();
            case cudaMemcpyKind.cudaMemcpyHostToHost -> from.host() && to.host();
            case cudaMemcpyKind.cudaMemcpyDefault -> !from.pageable() && !to.pageable();
            default -> false;
        };
        return ok ? null : cudaMemcpyKind.stringFor(kind) + " from " + (from.device() ? "device" : "host") + " memory to "
                + (to.device() ? "device" : "host") + " memory";
    }

    // ---- streams and events ----

    public int cudaStreamCreateWithFlags(cudaStream_t stream, int flags) {
        int d = m.current();
        m.startContext(d);
        SimStream s = m.streams.create(stream, new SimStream(d, false, (flags & 1) != 0), Machine.callSite());
        s.handle = JCudaObjects.address(stream); // the handle the registry gave it, for messages
        return cudaError.cudaSuccess;
    }

    public int cudaStreamDestroy(cudaStream_t stream) {
        SimStream s = m.streams.get(stream, "cudaStreamDestroy");
        if (s == null) {
            return error(cudaError.cudaErrorInvalidResourceHandle, "cudaStreamDestroy", "the legacy stream cannot be destroyed");
        }
        if (s.capture != null) {
            return error(cudaError.cudaErrorStreamCaptureUnsupported, "cudaStreamDestroy", s.describe() + " is being captured");
        }
        m.hostSynchronizes(s); // its work completes before its resources go
        m.streams.destroy(stream, "cudaStreamDestroy");
        return cudaError.cudaSuccess;
    }

    public int cudaStreamSynchronize(cudaStream_t stream) {
        SimStream s = m.stream(stream, "cudaStreamSynchronize");
        if (faulted(s.device)) {
            return cudaError.cudaErrorIllegalAddress;
        }
        if (s.capture != null || (s.legacy && m.capturing(s.device))) {
            m.disturbsCapture("cudaStreamSynchronize");
            return error(cudaError.cudaErrorStreamCaptureUnsupported, "cudaStreamSynchronize", s.describe() + " during capture");
        }
        if (s.legacy) {
            m.enqueue(s, "cudaStreamSynchronize waits", () -> { });
        }
        m.hostSynchronizes(s);
        return cudaError.cudaSuccess;
    }

    public int cudaDeviceSynchronize() {
        int d = m.current();
        if (faulted(d)) {
            return cudaError.cudaErrorIllegalAddress;
        }
        if (m.capturing(d)) {
            m.disturbsCapture("cudaDeviceSynchronize");
            return error(cudaError.cudaErrorStreamCaptureUnsupported, "cudaDeviceSynchronize", "during stream capture");
        }
        m.drainDevice(d);
        return cudaError.cudaSuccess;
    }

    public int cudaEventCreateWithFlags(cudaEvent_t event, int flags) {
        events.create(event, new SimEvent(m.current()), Machine.callSite());
        return cudaError.cudaSuccess;
    }

    public int cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
        SimEvent e = events.get(event, "cudaEventRecord");
        SimStream s = m.stream(stream, "cudaEventRecord");
        if (e == null) {
            return error(cudaError.cudaErrorInvalidResourceHandle, "cudaEventRecord", "null event");
        }
        if (s.capture != null) {
            throw new SimulatedFault("cudaEventRecord: the simulated device does not model events inside a stream capture");
        }
        e.stream = s;
        e.position = s.enqueued;
        m.order.recorded(e, s);
        return cudaError.cudaSuccess;
    }

    public int cudaEventSynchronize(cudaEvent_t event) {
        SimEvent e = events.get(event, "cudaEventSynchronize");
        if (e == null) {
            return error(cudaError.cudaErrorInvalidResourceHandle, "cudaEventSynchronize", "null event");
        }
        if (e.stream != null) {
            m.drain(e.stream, e.position);
            m.order.hostWaitsForEvent(e);
        }
        return cudaError.cudaSuccess;
    }

    public int cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, int flags) {
        SimStream s = m.stream(stream, "cudaStreamWaitEvent");
        SimEvent e = events.get(event, "cudaStreamWaitEvent");
        if (e == null) {
            return error(cudaError.cudaErrorInvalidResourceHandle, "cudaStreamWaitEvent", "null event");
        }
        if (e.stream == null) {
            return cudaError.cudaSuccess; // an event never recorded is complete
        }
        if (s.capture != null) {
            throw new SimulatedFault("cudaStreamWaitEvent: the simulated device does not model events inside a stream capture");
        }
        SimStream other = e.stream;
        long until = e.position;
        m.order.streamWaitsForEvent(s, e);
        return m.enqueue(s, "wait for an event on " + other.describe(), () -> m.drain(other, until));
    }

    public int cudaEventDestroy(cudaEvent_t event) {
        SimEvent e = events.destroy(event, "cudaEventDestroy");
        if (e != null) {
            m.order.forgetEvent(e);
        }
        return cudaError.cudaSuccess;
    }

    public int cudaGetLastError() {
        int last = lastError.get();
        lastError.set(cudaError.cudaSuccess);
        return last;
    }

    public String cudaGetErrorString(int error) {
        return cudaError.stringFor(error);
    }
}
