package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.gpu.Gpu;
import dev.jresnet.gpu.NativeLibraries;
import jcuda.Pointer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated machine with NVIDIA GPUs behind jresnet's {@link CudaApi}: the CUDA runtime and driver, cuDNN 9 and
 * cuBLAS as documented, on host memory, with our PTX interpreted from the text the jar ships. It is what the GPU
 * tests run on where there is no GPU (every CI run), and it is strict where a GPU would be silent: every access is
 * checked against its allocation, queued work runs only when something waits for it, the libraries refuse what their
 * documentation says they refuse, and what a program leaves allocated is listed when it closes.
 *
 * <p>Calls are serialized (one lock), and each may be made to fail on purpose: {@link #failCall}.
 */
public final class SimulatedGpu implements AutoCloseable {
    private static final long GIB = 1L << 30;

    /**
     * The simulated machine: its GPUs, and the versions of the driver (CUDA's integer, 13000 = 13.0), cuDNN
     * (90501 = 9.5.1) and cuBLAS (major * 10000 + minor * 100 + patch).
     */
    public record Config(List<DeviceSpec> devices, int driverVersion, long cudnnVersion, int cublasVersion) {
        /** Two GPUs (a Hopper with 16 GiB, a Turing with 8 GiB) on a CUDA 13.0 driver with cuDNN 9.5 and cuBLAS 13. */
        public static Config standard() {
            return new Config(List.of(DeviceSpec.hopper(16 * GIB), DeviceSpec.turing(8 * GIB)), 13000, 90501, 130000);
        }

        /** One Turing GPU on the oldest driver CUDA 12 supports (525, CUDA 12.0), with cuBLAS 12. */
        public static Config cuda12Turing() {
            return new Config(List.of(DeviceSpec.turing(8 * GIB)), 12000, 90501, 120604);
        }

        /** One Hopper with 1 GiB, for what happens near the memory limit. */
        public static Config oneGiB() {
            return new Config(List.of(DeviceSpec.hopper(GIB)), 13000, 90501, 130000);
        }

        /** One Hopper with an H200's 141 GiB, for limits other than memory. */
        public static Config h200() {
            return new Config(List.of(DeviceSpec.hopper(141 * GIB)), 13000, 90501, 130000);
        }

        /** One Volta (sm_70) on a CUDA 12.0 driver: older than the GPUs jresnet's kernels are built for. */
        public static Config volta() {
            return new Config(List.of(new DeviceSpec("jresnet simulated GPU (sm_70)", 7, 0, 16 * GIB, 4, 300L << 20, 8L << 20,
                    4L << 20, 1L << 20)), 12000, 90501, 120604);
        }

        public Config withDevices(DeviceSpec... specs) {
            return new Config(List.of(specs), driverVersion, cudnnVersion, cublasVersion);
        }

        public Config withDriver(int version) {
            return new Config(devices, version, cudnnVersion, cublasVersion);
        }
    }

    /** The families of calls {@link #failCall} can make fail. */
    public enum Calls {
        /** cudaMalloc, cudaHostAlloc. */
        ALLOCATION,
        /** cuLaunchKernel, cuGraphLaunch. */
        LAUNCH,
        /** Every cuDNN and cuBLAS call but the destroying ones. */
        LIBRARY,
        /** Every call that can fail, but the ones that free or destroy (which a program cannot recover from anyway). */
        ANY
    }

    private final Machine machine;
    private final SimRuntime runtime;
    private final SimDriver driver;
    private final SimCudnn cudnn;
    private final SimCublas cublas;
    private final CudaApi api;
    /** Which part's method implements each of CudaApi's. */
    private record Route(Object part, Method implementation) {
    }

    private final Map<Method, Route> routes = new HashMap<>();
    private final Map<Calls, Integer> seen = new HashMap<>();
    private final Map<Calls, Integer> failAt = new HashMap<>();
    private final List<String> injected = new ArrayList<>();
    private CudaApi previous;
    private boolean installed;

    public SimulatedGpu(Config config) {
        machine = new Machine(config);
        runtime = new SimRuntime(machine);
        driver = new SimDriver(machine);
        cudnn = new SimCudnn(machine);
        cublas = new SimCublas(machine);
        for (Method method : CudaApi.class.getMethods()) {
            routes.put(method, partFor(method));
        }
        InvocationHandler handler = this::invoke;
        api = (CudaApi) Proxy.newProxyInstance(CudaApi.class.getClassLoader(), new Class<?>[]{CudaApi.class}, handler);
    }

    /** A simulated machine of the standard configuration, installed behind jresnet's GPU path until {@link #close}. */
    public static SimulatedGpu install() {
        return install(Config.standard());
    }

    public static SimulatedGpu install(Config config) {
        SimulatedGpu sim = new SimulatedGpu(config);
        sim.previous = Gpu.install(sim.api);
        sim.installed = true;
        return sim;
    }

    public CudaApi api() {
        return api;
    }

    /** Which part implements a CudaApi method, by its library's prefix: every method must have one, checked here. */
    private Route partFor(Method method) {
        String name = method.getName();
        Object part = name.startsWith("cudnn") ? cudnn : name.startsWith("cublas") ? cublas
                : name.startsWith("cuda") ? runtime : name.startsWith("cu") ? driver : this;
        try {
            return new Route(part, part.getClass().getMethod(name, method.getParameterTypes()));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("the simulated device does not implement " + method, e);
        }
    }

    private Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        synchronized (machine) {
            Route route = routes.get(method);
            if (route == null) {
                return method.invoke(this, args); // Object's methods
            }
            Integer status = injectedFailure(method);
            if (status != null) {
                return status;
            }
            try {
                return route.implementation().invoke(route.part(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    // ---- the calls that are not CUDA's: CudaApi's own ----

    public NativeLibraries.Report loadLibraries() {
        return new NativeLibraries.Report(List.of("simulated device: no native libraries"), List.of(), List.of(), List.of());
    }

    public String kind() {
        return "simulated";
    }

    /**
     * The host's view of memory: for page-locked memory, taking the view counts as a host access to it (read or
     * write, which the view does not tell), checked against the device's work that uses the memory ({@link
     * HappensBefore}).
     */
    public ByteBuffer getByteBuffer(Pointer pointer, long byteOffset, long byteSize) {
        Buffer b = JCudaObjects.buffer(pointer);
        if (!(b instanceof ByteBuffer bytes)) {
            return null; // as JCuda: only pointers to byte buffers (page-locked memory among them) have one
        }
        Allocation pinned = machine.memory.find(JCudaObjects.address(pointer));
        if (pinned != null && pinned.kind == Allocation.Kind.PINNED && !pinned.freed()) {
            machine.order.accessed(pinned, true, "Pointer.getByteBuffer");
        }
        return bytes.slice(Math.toIntExact(byteOffset), Math.toIntExact(byteSize)).order(ByteOrder.nativeOrder());
    }

    // ---- fault injection ----

    /** Makes the {@code n}-th call (counting from 1, from now) of that family fail with the library's error status. */
    public void failCall(Calls family, int n) {
        synchronized (machine) {
            seen.put(family, 0);
            failAt.put(family, n);
        }
    }

    /** How many calls of a family were made since {@link #failCall} (or since the start). */
    public int callsSeen(Calls family) {
        synchronized (machine) {
            return seen.getOrDefault(family, 0);
        }
    }

    /** The calls failed on purpose so far. */
    public List<String> injectedFailures() {
        synchronized (machine) {
            return List.copyOf(injected);
        }
    }

    private Integer injectedFailure(Method method) {
        String name = method.getName();
        if (method.getReturnType() != int.class || name.contains("Destroy") || name.contains("Free") || name.contains("Unload")
                || name.startsWith("cudaGet") || name.equals("cudaMemGetInfo") || name.contains("GetVersion")
                || name.equals("cudaDriverGetVersion") || name.equals("cudaRuntimeGetVersion")) {
            return null;
        }
        List<Calls> families = new ArrayList<>(List.of(Calls.ANY));
        if (name.equals("cudaMalloc") || name.equals("cudaHostAlloc")) {
            families.add(Calls.ALLOCATION);
        }
        if (name.equals("cuLaunchKernel") || name.equals("cuGraphLaunch")) {
            families.add(Calls.LAUNCH);
        }
        if (name.startsWith("cudnn") || name.startsWith("cublas")) {
            families.add(Calls.LIBRARY);
        }
        Integer status = null;
        for (Calls family : families) {
            int count = seen.merge(family, 1, Integer::sum);
            if (failAt.containsKey(family) && count == failAt.get(family)) {
                failAt.remove(family);
                status = failureStatus(name);
                injected.add(name + " (call " + count + " of family " + family + ") -> " + status);
            }
        }
        return status;
    }

    /** What each library returns when such a call fails for want of memory or on the device. */
    private static int failureStatus(String name) {
        if (name.equals("cudaMalloc") || name.equals("cudaHostAlloc")) {
            return 2; // cudaErrorMemoryAllocation
        }
        if (name.equals("cuModuleLoadData")) {
            return 2; // CUDA_ERROR_OUT_OF_MEMORY
        }
        if (name.startsWith("cudnn")) {
            return name.equals("cudnnCreate") ? SimCudnn.NOT_INITIALIZED : SimCudnn.EXECUTION_FAILED;
        }
        if (name.startsWith("cublas")) {
            return name.equals("cublasCreate") ? 3 : 13; // CUBLAS_STATUS_ALLOC_FAILED, CUBLAS_STATUS_EXECUTION_FAILED
        }
        return 719; // cudaErrorLaunchFailure / CUDA_ERROR_LAUNCH_FAILED
    }

    // ---- what is left over ----

    /** Everything allocated or created and never freed or destroyed, one line each (the CUDA context excluded). */
    public List<String> leaks() {
        synchronized (machine) {
            List<String> lines = new ArrayList<>();
            for (Allocation a : machine.memory.live()) {
                if (a.kind != Allocation.Kind.LIBRARY) {
                    lines.add(a.describe());
                }
            }
            lines.addAll(machine.streams.leaks());
            lines.addAll(runtime.events.leaks());
            lines.addAll(driver.modules.leaks());
            lines.addAll(driver.graphs.leaks());
            lines.addAll(driver.graphExecs.leaks());
            lines.addAll(cudnn.handles.leaks());
            lines.addAll(cudnn.tensors.leaks());
            lines.addAll(cudnn.filters.leaks());
            lines.addAll(cudnn.convolutions.leaks());
            lines.addAll(cudnn.activations.leaks());
            lines.addAll(cudnn.poolings.leaks());
            lines.addAll(cublas.handles.leaks());
            return lines;
        }
    }

    /** How many times the kernel of that .entry name has run so far, CUDA graph replays included. */
    public int kernelRuns(String entry) {
        return machine.kernelRuns.getOrDefault(entry, 0);
    }

    /** The calls answered with an error status so far, each with the reason the simulator gave. */
    public List<String> refusals() {
        synchronized (machine) {
            return machine.refusals();
        }
    }

    /** Device memory in use on a device: cudaMalloc blocks plus what the context and the libraries took. */
    public long deviceBytesInUse(int device) {
        synchronized (machine) {
            return machine.memory.deviceBytesInUse(device);
        }
    }

    /** Puts back what was behind jresnet's GPU path before {@link #install}. */
    @Override
    public void close() {
        if (installed) {
            installed = false;
            Gpu.install(previous);
        }
    }
}
