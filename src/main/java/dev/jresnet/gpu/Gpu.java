package dev.jresnet.gpu;

import dev.jresnet.gpu.internal.Cuda;
import dev.jresnet.gpu.internal.PinnedBuffer;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether this machine can run the GPU path, and what it has: the one place that answers that question, and the one
 * place that holds the {@link CudaApi} the GPU path talks to (JCuda, unless one was {@link #install installed}).
 */
public final class Gpu {
    /**
     * The result of a probe: the GPUs, or why there is none.
     *
     * @param kind "CUDA" for the real libraries, "simulated" for the simulated device
     */
    public record Status(List<GpuInfo> devices, String reason, NativeLibraries.Report libraries, String kind) {
        public boolean available() {
            return !devices.isEmpty();
        }

        /** The first GPU (the default device), if any. */
        public Optional<GpuInfo> info() {
            return devices.stream().findFirst();
        }
    }

    private static CudaApi cuda;
    private static Status status;

    private Gpu() {
    }

    /** The CUDA the GPU path talks to: JCuda unless another was installed. */
    static synchronized CudaApi cuda() {
        if (cuda == null) {
            cuda = new JCudaApi();
        }
        return cuda;
    }

    /**
     * Puts {@code api} behind the GPU path for every network built from now on (null restores JCuda) and forgets the
     * last probe. For the simulated device of the tests; a program that never calls this runs on JCuda.
     *
     * @return what was installed before (null for JCuda's default)
     */
    public static synchronized CudaApi install(CudaApi api) {
        CudaApi previous = cuda instanceof JCudaApi ? null : cuda;
        cuda = api;
        status = null;
        return previous;
    }

    /** Loads the libraries and lists the devices; never throws, caches the answer. */
    public static synchronized Status probe() {
        if (status == null) {
            status = probe(cuda());
        }
        return status;
    }

    /** Free and total memory of a device, in bytes (cudaMemGetInfo): for leak checks and reports. */
    public static long[] deviceMemory(int device) {
        require(device);
        CudaApi api = cuda();
        Cuda.runtime(api.cudaSetDevice(device), "cudaSetDevice", () -> "device " + device);
        long[] free = {0};
        long[] total = {0};
        Cuda.runtime(api.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return new long[]{free[0], total[0]};
    }

    /** Page-locked host memory the GPU networks of this process hold right now: 0 once every one is closed. */
    public static long pinnedHostBytes() {
        return PinnedBuffer.liveBytes();
    }

    /** A device's description, or a {@link GpuUnavailableException} saying why it cannot be used. */
    public static GpuInfo require(int device) {
        Status s = probe();
        if (!s.available()) {
            throw new GpuUnavailableException(s.reason());
        }
        if (device < 0 || device >= s.devices().size()) {
            throw new GpuUnavailableException("GPU " + device + " was asked for, but this machine has " + s.devices().size()
                    + (s.devices().size() == 1 ? " GPU (number 0)" : " GPUs (numbers 0 to " + (s.devices().size() - 1) + ")"));
        }
        return s.devices().get(device);
    }

    private static Status probe(CudaApi api) {
        NativeLibraries.Report libraries = api.loadLibraries();
        try {
            int[] count = {0};
            int result = api.cudaGetDeviceCount(count);
            if (result == cudaError.cudaErrorInsufficientDriver || result == cudaError.cudaErrorNoDevice || count[0] == 0) {
                return unavailable("no usable NVIDIA GPU: cudaGetDeviceCount says " + cudaError.stringFor(result)
                        + " with " + count[0] + " devices" + problems(libraries), libraries, api);
            }
            Cuda.runtime(result, "cudaGetDeviceCount");
            int[] driver = {0};
            int[] runtime = {0};
            Cuda.runtime(api.cudaDriverGetVersion(driver), "cudaDriverGetVersion");
            Cuda.runtime(api.cudaRuntimeGetVersion(runtime), "cudaRuntimeGetVersion");
            long cudnn;
            try {
                cudnn = api.cudnnGetVersion();
            } catch (UnsatisfiedLinkError e) {
                return unavailable("the GPU is there but cuDNN 9 cannot be loaded: " + e.getMessage() + problems(libraries),
                        libraries, api);
            }
            List<GpuInfo> devices = new ArrayList<>();
            for (int d = 0; d < count[0]; d++) {
                cudaDeviceProp props = new cudaDeviceProp();
                int device = d;
                Cuda.runtime(api.cudaGetDeviceProperties(props, d), "cudaGetDeviceProperties", () -> "device " + device);
                devices.add(new GpuInfo(d, props.getName(), props.totalGlobalMem, props.major, props.minor,
                        props.multiProcessorCount, driver[0], runtime[0], cudnn));
            }
            return new Status(List.copyOf(devices), "", libraries, api.kind());
        } catch (UnsatisfiedLinkError | CudaException e) {
            return unavailable("the CUDA runtime cannot start: " + e.getMessage() + problems(libraries), libraries, api);
        }
    }

    private static Status unavailable(String reason, NativeLibraries.Report libraries, CudaApi api) {
        return new Status(List.of(), reason, libraries, api.kind());
    }

    private static String problems(NativeLibraries.Report libraries) {
        return libraries.problems().isEmpty() ? "" : "; " + String.join("; ", libraries.problems());
    }
}
