package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.sim.ptx.GlobalMemory;
import dev.jresnet.gpu.sim.ptx.PtxKernel;
import dev.jresnet.gpu.sim.ptx.PtxModule;
import dev.jresnet.gpu.sim.ptx.PtxParam;
import dev.jresnet.gpu.sim.ptx.PtxSyntaxException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CUDA driver calls jresnet makes: our PTX loaded as a driver of the configured version would load it (the
 * module's PTX ISA version and target checked against the driver and the GPU), kernels launched by interpreting that
 * PTX with the parameters the host passed (checked against the .entry signature), and CUDA graphs by stream capture.
 */
final class SimDriver {
    /** Device memory a loaded module takes (code and constants). */
    private static final long MODULE_BYTES = 64 * 1024;

    static final class SimModule {
        final int device;
        final PtxModule ptx;
        final Allocation code;
        boolean unloaded;

        SimModule(int device, PtxModule ptx, Allocation code) {
            this.device = device;
            this.ptx = ptx;
            this.code = code;
        }
    }

    record SimFunction(SimModule module, PtxKernel kernel) {
    }

    record SimGraph(List<Work> work) {
    }

    record SimGraphExec(int device, List<Work> work) {
    }

    private final Machine m;
    final Registry<SimModule> modules = new Registry<>("CUmodule", 0x5300_0000L);
    final Registry<SimFunction> functions = new Registry<>("CUfunction", 0x5400_0000L);
    final Registry<SimGraph> graphs = new Registry<>("CUgraph", 0x5500_0000L);
    final Registry<SimGraphExec> graphExecs = new Registry<>("CUgraphExec", 0x5600_0000L);

    SimDriver(Machine m) {
        this.m = m;
    }

    /**
     * The CUDA version whose driver first loads PTX of this ISA version (PTX ISA release notes: ISA 7.0 came with CUDA
     * 11.0, each minor ISA version with the next CUDA 11/12 release, 8.6 with 12.7, 9.0 with 13.0).
     */
    static int cudaVersionForIsa(int major, int minor) {
        int isa = major * 10 + minor;
        if (isa >= 90) {
            return 13000 + (isa - 90) * 10;
        }
        if (isa >= 86) {
            return 12070 + (isa - 86) * 10;
        }
        if (isa >= 80) {
            return 12000 + (isa - 80) * 10;
        }
        if (isa >= 70) {
            return 11000 + (isa - 70) * 10;
        }
        return 10000;
    }

    public int cuModuleLoadData(CUmodule module, byte[] image) {
        int d = m.current();
        if (!m.contextStarted(d)) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_CONTEXT, "cuModuleLoadData", "no current context on this thread");
        }
        if (m.disturbsCapture("cuModuleLoadData")) {
            return m.refuse(CUresult.CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "cuModuleLoadData", "during stream capture");
        }
        int length = 0;
        while (length < image.length && image[length] != 0) {
            length++;
        }
        if (length == image.length) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData", "PTX text must end with a NUL byte");
        }
        PtxModule ptx;
        try {
            ptx = PtxModule.parse(new String(image, 0, length, StandardCharsets.US_ASCII));
        } catch (PtxSyntaxException e) {
            throw new SimulatedFault("cuModuleLoadData: the simulated device cannot interpret this PTX: " + e.getMessage(), e);
        }
        int needs = cudaVersionForIsa(ptx.versionMajor(), ptx.versionMinor());
        if (needs > m.config.driverVersion()) {
            return m.refuse(CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "cuModuleLoadData", String.format(Locale.ROOT,
                    "PTX ISA %d.%d needs a driver for CUDA %d.%d; this driver supports CUDA %d.%d", ptx.versionMajor(),
                    ptx.versionMinor(), needs / 1000, needs % 1000 / 10, m.config.driverVersion() / 1000,
                    m.config.driverVersion() % 1000 / 10));
        }
        DeviceSpec spec = m.spec(d);
        if (ptx.targetSm() > spec.computeCapability()) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_PTX, "cuModuleLoadData", "PTX for " + ptx.target()
                    + " cannot be compiled for a GPU of compute capability " + spec.computeMajor() + "." + spec.computeMinor());
        }
        Allocation code = m.takeLibraryMemory(d, MODULE_BYTES, "module code");
        modules.create(module, new SimModule(d, ptx, code), Machine.callSite());
        return CUresult.CUDA_SUCCESS;
    }

    public int cuModuleUnload(CUmodule module) {
        SimModule sm = modules.get(module, "cuModuleUnload");
        if (sm == null) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload", "null module");
        }
        m.drainDevice(sm.device); // kernels of the module may still be queued
        modules.destroy(module, "cuModuleUnload");
        sm.unloaded = true;
        m.memory.free(sm.code, "cuModuleUnload");
        return CUresult.CUDA_SUCCESS;
    }

    public int cuModuleGetFunction(CUfunction function, CUmodule module, String name) {
        SimModule sm = modules.get(module, "cuModuleGetFunction");
        if (sm == null) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction", "null module");
        }
        PtxKernel kernel = sm.ptx.kernels().get(name);
        if (kernel == null) {
            // Asking is how a caller finds which module holds a kernel: no log line for it.
            return CUresult.CUDA_ERROR_NOT_FOUND;
        }
        functions.create(function, new SimFunction(sm, kernel), Machine.callSite());
        return CUresult.CUDA_SUCCESS;
    }

    public int cuLaunchKernel(CUfunction f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY,
                              int blockDimZ, int sharedMemBytes, CUstream stream, Pointer kernelParams, Pointer extra) {
        String call = "cuLaunchKernel";
        SimFunction fn = functions.get(f, call);
        if (fn == null) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_HANDLE, call, "null function");
        }
        String name = fn.kernel().name();
        int d = m.current();
        if (m.stickyFault(d) != null) {
            return CUresult.CUDA_ERROR_ILLEGAL_ADDRESS;
        }
        if (fn.module().device != d) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_HANDLE, call, name + " was loaded on device " + fn.module().device
                    + ", the current device is " + d);
        }
        if (fn.module().unloaded) {
            throw new SimulatedFault(call + ": " + name + " belongs to a module that was unloaded");
        }
        long threads = (long) blockDimX * blockDimY * blockDimZ;
        if (gridDimX < 1 || gridDimY < 1 || gridDimZ < 1 || gridDimY > 65535 || gridDimZ > 65535 || blockDimX < 1
                || blockDimY < 1 || blockDimZ < 1 || blockDimX > 1024 || blockDimY > 1024 || blockDimZ > 64 || threads > 1024) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_VALUE, call, name + ": grid " + gridDimX + "x" + gridDimY + "x"
                    + gridDimZ + ", block " + blockDimX + "x" + blockDimY + "x" + blockDimZ + " is outside CUDA's limits");
        }
        if (sharedMemBytes < 0 || sharedMemBytes > 48 * 1024) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_VALUE, call, name + ": " + sharedMemBytes + " bytes of dynamic shared memory");
        }
        if (extra != null && (JCudaObjects.address(extra) != 0 || JCudaObjects.buffer(extra) != null
                || JCudaObjects.pointers(extra) != null)) {
            throw new SimulatedFault(call + "(" + name + "): the simulated device does not take parameters through 'extra'");
        }
        // The driver copies the parameter values when the launch is made: later changes to the host arrays do not count.
        List<byte[]> params = parameterValues(kernelParams, name);
        checkParameters(fn.kernel(), params);
        SimStream s = m.stream(stream, call);
        GlobalMemory memory = new KernelMemory(m.memory, d, name);
        int parallelism = Runtime.getRuntime().availableProcessors();
        int status = m.enqueue(s, "kernel " + name + " <<<" + gridDimX + ", " + blockDimX + ">>>", () -> {
            m.kernelRuns.merge(name, 1, Integer::sum);
            fn.kernel().launch(gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, params, memory, parallelism);
        });
        return status == 0 ? CUresult.CUDA_SUCCESS : status;
    }

    /** The parameters must be those of the .entry: as many, each exactly as wide as declared. */
    private static void checkParameters(PtxKernel kernel, List<byte[]> values) {
        List<PtxParam> declared = kernel.params();
        if (declared.size() != values.size()) {
            throw new SimulatedFault("cuLaunchKernel(" + kernel.name() + "): " + values.size() + " parameters passed, the "
                    + ".entry declares " + declared.size());
        }
        for (int i = 0; i < declared.size(); i++) {
            PtxParam p = declared.get(i);
            if (p.bytes() != values.get(i).length) {
                throw new SimulatedFault("cuLaunchKernel(" + kernel.name() + "): parameter " + i + " (" + p.name() + ") is ."
                        + p.type() + ", " + p.bytes() + " bytes; " + values.get(i).length + " bytes were passed");
            }
        }
    }

    /** The bytes of each kernel parameter, read from the host objects JCuda would pass the driver. */
    private static List<byte[]> parameterValues(Pointer kernelParams, String kernel) {
        NativePointerObject[] entries = JCudaObjects.pointers(kernelParams);
        if (entries == null) {
            throw new SimulatedFault("cuLaunchKernel(" + kernel + "): kernelParams must be Pointer.to(Pointer.to(value), ...)");
        }
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            if (!(entries[i] instanceof Pointer p)) {
                throw new SimulatedFault("cuLaunchKernel(" + kernel + "): parameter " + i + " is not a Pointer to its value");
            }
            NativePointerObject[] pointed = JCudaObjects.pointers(p);
            if (pointed != null) {
                ByteBuffer b = ByteBuffer.allocate(8 * pointed.length).order(ByteOrder.LITTLE_ENDIAN);
                for (NativePointerObject o : pointed) {
                    b.putLong(o instanceof Pointer q ? JCudaObjects.target(q) : JCudaObjects.address(o));
                }
                values.add(b.array());
            } else if (HostMemory.isPageable(p)) {
                var buffer = JCudaObjects.buffer(p);
                long bytes = (long) buffer.capacity() * elementSize(buffer) - JCudaObjects.byteOffset(p);
                values.add(HostMemory.read(p, bytes, "cuLaunchKernel(" + kernel + ")", "parameter " + i));
            } else {
                throw new SimulatedFault("cuLaunchKernel(" + kernel + "): parameter " + i + " holds a device address itself; "
                        + "each parameter must be a host Pointer to its value (Pointer.to(devicePointer) for a pointer)");
            }
        }
        return values;
    }

    private static int elementSize(Buffer b) {
        if (b instanceof ByteBuffer) {
            return 1;
        } else if (b instanceof ShortBuffer) {
            return 2;
        } else if (b instanceof FloatBuffer || b instanceof IntBuffer) {
            return 4;
        }
        return 8;
    }

    // ---- stream capture and graphs ----

    public int cuStreamBeginCapture(CUstream stream, int mode) {
        SimStream s = m.stream(stream, "cuStreamBeginCapture");
        if (s.legacy) {
            return m.refuse(CUresult.CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "cuStreamBeginCapture",
                    "the legacy default stream cannot be captured");
        }
        if (s.capture != null) {
            return m.refuse(CUresult.CUDA_ERROR_ILLEGAL_STATE, "cuStreamBeginCapture", s.describe() + " is already capturing");
        }
        s.capture = new SimStream.Capture(mode, Thread.currentThread());
        return CUresult.CUDA_SUCCESS;
    }

    public int cuStreamEndCapture(CUstream stream, CUgraph graph) {
        SimStream s = m.stream(stream, "cuStreamEndCapture");
        SimStream.Capture c = s.capture;
        if (c == null) {
            return m.refuse(CUresult.CUDA_ERROR_ILLEGAL_STATE, "cuStreamEndCapture", s.describe() + " is not capturing");
        }
        if (c.mode != Machine.CAPTURE_RELAXED && c.owner != Thread.currentThread()) {
            return m.refuse(CUresult.CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD, "cuStreamEndCapture",
                    "the capture was begun by " + c.owner.getName());
        }
        s.capture = null;
        if (c.invalidatedBy != null) {
            return m.refuse(CUresult.CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, "cuStreamEndCapture",
                    "invalidated by " + c.invalidatedBy);
        }
        graphs.create(graph, new SimGraph(List.copyOf(c.recorded)), Machine.callSite());
        return CUresult.CUDA_SUCCESS;
    }

    public int cuGraphInstantiate(CUgraphExec graphExec, CUgraph graph, long flags) {
        SimGraph g = graphs.get(graph, "cuGraphInstantiate");
        if (g == null) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_VALUE, "cuGraphInstantiate", "null graph");
        }
        graphExecs.create(graphExec, new SimGraphExec(m.current(), g.work()), Machine.callSite());
        return CUresult.CUDA_SUCCESS;
    }

    public int cuGraphLaunch(CUgraphExec graphExec, CUstream stream) {
        SimGraphExec x = graphExecs.get(graphExec, "cuGraphLaunch");
        if (x == null) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_VALUE, "cuGraphLaunch", "null graph");
        }
        SimStream s = m.stream(stream, "cuGraphLaunch");
        if (s.device != x.device()) {
            return m.refuse(CUresult.CUDA_ERROR_INVALID_VALUE, "cuGraphLaunch", "a graph of device " + x.device()
                    + " launched on " + s.describe());
        }
        if (s.capture != null) {
            throw new SimulatedFault("cuGraphLaunch: the simulated device does not model graphs launched into a capture");
        }
        for (Work w : x.work()) {
            int status = m.enqueue(s, "graph replay: " + w.what(), w.action());
            if (status != 0) {
                return status;
            }
        }
        return CUresult.CUDA_SUCCESS;
    }

    public int cuGraphDestroy(CUgraph graph) {
        graphs.destroy(graph, "cuGraphDestroy");
        return CUresult.CUDA_SUCCESS;
    }

    public int cuGraphExecDestroy(CUgraphExec graphExec) {
        graphExecs.destroy(graphExec, "cuGraphExecDestroy");
        return CUresult.CUDA_SUCCESS;
    }
}
