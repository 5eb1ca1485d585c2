package dev.jresnet.gpu.sim;

import jcuda.NativePointerObject;
import jcuda.runtime.cudaError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The state every part of the simulated device shares: the GPUs and the driver, memory, which device each thread
 * has current, streams and their queues, and the log of calls refused with a status. Streams run their queued work
 * here, in order, when something waits for it.
 */
final class Machine {
    /** CUDA's stream capture modes (cudaStreamCaptureMode / CUstreamCaptureMode). */
    static final int CAPTURE_GLOBAL = 0;
    static final int CAPTURE_THREAD_LOCAL = 1;
    static final int CAPTURE_RELAXED = 2;

    final SimulatedGpu.Config config;
    final HappensBefore order = new HappensBefore();
    final AddressSpace memory = new AddressSpace(order);
    final Registry<SimStream> streams = new Registry<>("stream", 0x5100_0000L);
    private final Map<Integer, SimStream> legacyStreams = new HashMap<>();
    private final boolean[] contextStarted;
    /** A device's sticky error after a fault in its queued work: every later call on it fails, as on a GPU. */
    private final String[] stickyFault;
    private final ThreadLocal<Integer> currentDevice = ThreadLocal.withInitial(() -> 0);
    private final List<String> refusals = new ArrayList<>();
    /** How many times each of our kernels has run (graph replays included), by name. */
    final Map<String, Integer> kernelRuns = new ConcurrentHashMap<>();

    Machine(SimulatedGpu.Config config) {
        this.config = config;
        this.contextStarted = new boolean[config.devices().size()];
        this.stickyFault = new String[config.devices().size()];
    }

    // ---- devices ----

    int current() {
        return currentDevice.get();
    }

    void setCurrent(int device) {
        currentDevice.set(device);
        startContext(device);
    }

    DeviceSpec spec(int device) {
        return config.devices().get(device);
    }

    /** The primary context takes its memory the first time a device is used. */
    void startContext(int device) {
        if (!contextStarted[device]) {
            contextStarted[device] = true;
            memory.allocate(Allocation.Kind.LIBRARY, device, spec(device).contextBytes(), "the CUDA context of device " + device);
        }
    }

    boolean contextStarted(int device) {
        return contextStarted[device];
    }

    long freeBytes(int device) {
        startContext(device);
        return Math.max(0, spec(device).totalMemory() - memory.deviceBytesInUse(device));
    }

    /** Memory the libraries take for themselves (handles, workspaces, kernels), counted against the device. */
    Allocation takeLibraryMemory(int device, long bytes, String what) {
        return memory.allocate(Allocation.Kind.LIBRARY, device, bytes, what);
    }

    String stickyFault(int device) {
        return stickyFault[device];
    }

    // ---- refusals: calls answered with an error status, and why ----

    /** Logs why a call is refused (like cuDNN's error log) and returns the status to give back. */
    int refuse(int status, String call, String why) {
        String line = "simulated " + call + " -> " + status + ": " + why;
        refusals.add(line);
        System.err.println(line);
        return status;
    }

    List<String> refusals() {
        return List.copyOf(refusals);
    }

    // ---- streams ----

    SimStream legacyStream(int device) {
        return legacyStreams.computeIfAbsent(device, d -> new SimStream(d, true, false));
    }

    /** The stream behind a handle: 0 is the legacy default stream of the current device. */
    SimStream stream(NativePointerObject handle, String call) {
        return JCudaObjects.address(handle) == 0 ? legacyStream(current()) : streams.get(handle, call);
    }

    /**
     * Queues work on a stream, or records it when the stream is being captured. Returns cudaSuccess, or the capture's
     * error when the capture was invalidated earlier.
     */
    int enqueue(SimStream s, String what, Runnable action) {
        if (s.capture != null) {
            if (s.capture.invalidatedBy != null) {
                return cudaError.cudaErrorStreamCaptureInvalidated;
            }
            s.capture.recorded.add(new Work(what, action));
            return cudaError.cudaSuccess;
        }
        if (s.legacy) {
            // The legacy stream waits for all earlier work of the device's blocking streams...
            for (SimStream other : streams.all()) {
                if (other.device == s.device && !other.nonBlocking) {
                    order.streamWaitsForStream(s, other);
                    if (other.enqueued > other.executed) {
                        long until = other.enqueued;
                        push(s, "legacy stream waits for " + other.describe(), () -> drain(other, until));
                    }
                }
            }
        } else if (!s.nonBlocking) {
            // ...and a blocking stream waits for earlier work of the legacy stream.
            SimStream legacy = legacyStream(s.device);
            order.streamWaitsForStream(s, legacy);
            if (legacy.enqueued > legacy.executed) {
                long until = legacy.enqueued;
                push(s, s.describe() + " waits for the legacy stream", () -> drain(legacy, until));
            }
        }
        push(s, what, action);
        return cudaError.cudaSuccess;
    }

    private void push(SimStream s, String what, Runnable action) {
        s.pending.add(new Work(what, action, order.queued(s)));
        s.enqueued++;
    }

    /** Runs the stream's queued work until {@code position} operations have run. */
    void drain(SimStream s, long position) {
        while (s.executed < position && !s.pending.isEmpty()) {
            Work w = s.pending.poll();
            s.executed++;
            run(s, w);
        }
    }

    void drain(SimStream s) {
        drain(s, s.enqueued);
    }

    /** The host waits for everything queued on a stream (a synchronization, or a call that implies one). */
    void hostSynchronizes(SimStream s) {
        drain(s);
        order.hostWaitsForStream(s);
    }

    /** Runs everything queued on a device's streams (cudaDeviceSynchronize and the calls that imply it). */
    void drainDevice(int device) {
        drain(legacyStream(device));
        for (SimStream s : streams.all()) {
            if (s.device == device) {
                drain(s);
            }
        }
        order.deviceSynchronized(device);
    }

    /** Runs one operation; a fault in it makes the device unusable, as an illegal address does on a GPU. */
    void run(SimStream s, Work w) {
        if (stickyFault[s.device] != null) {
            return; // a faulted context runs nothing more
        }
        try {
            order.run(s, w.what(), w.clock(), w.action());
        } catch (RuntimeException e) {
            stickyFault[s.device] = w.what() + ": " + e.getMessage();
            throw new SimulatedFault("while running " + w.what() + " (queued on " + s.describe() + "): " + e.getMessage(), e);
        }
    }

    // ---- stream capture ----

    /**
     * A call CUDA does not allow while a stream is captured in global or thread-local mode (allocation, synchronous
     * copies, module loading, synchronization): invalidates the captures it would disturb. Returns true when it did,
     * and the caller then fails with cudaErrorStreamCaptureUnsupported.
     */
    boolean disturbsCapture(String call) {
        boolean disturbed = false;
        for (SimStream s : streams.all()) {
            SimStream.Capture c = s.capture;
            if (c != null && c.mode != CAPTURE_RELAXED && (c.mode == CAPTURE_GLOBAL || c.owner == Thread.currentThread())) {
                if (c.invalidatedBy == null) {
                    c.invalidatedBy = call;
                    refuse(cudaError.cudaErrorStreamCaptureUnsupported, call, "not permitted while " + s.describe()
                            + " is being captured; the capture is invalidated");
                }
                disturbed = true;
            }
        }
        return disturbed;
    }

    boolean capturing(int device) {
        for (SimStream s : streams.all()) {
            if (s.device == device && s.capture != null) {
                return true;
            }
        }
        return false;
    }

    // ---- where calls come from ----

    /**
     * The first frames of the calling code (jresnet's, or a test's) outside the simulator, for naming allocations and
     * handles.
     */
    static String callSite() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> f.getClassName().startsWith("dev.jresnet.")
                        && (!f.getClassName().startsWith("dev.jresnet.gpu.sim.") || f.getClassName().endsWith("Test")))
                .limit(3)
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName()
                        + ":" + f.getLineNumber())
                .collect(Collectors.joining(" <- ")));
    }
}
