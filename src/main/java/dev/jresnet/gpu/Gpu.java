package dev.jresnet.gpu;

import jcuda.jcudnn.JCudnn;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;

import java.util.Optional;

/** Whether this machine can run the GPU path, and what it has: the one place that answers that question. */
public final class Gpu {
    /** The result of a probe: the GPU, or why there is none. */
    public record Status(Optional<GpuInfo> info, String reason, NativeLibraries.Report libraries) {
        public boolean available() {
            return info.isPresent();
        }
    }

    private static Status status;

    private Gpu() {
    }

    /** Loads the libraries and looks for device 0; never throws, caches the answer. */
    public static synchronized Status probe() {
        if (status == null) {
            status = probeOnce();
        }
        return status;
    }

    /** Free and total memory of the current device, in bytes (cudaMemGetInfo): for leak checks and reports. */
    public static long[] deviceMemory() {
        require();
        long[] free = {0};
        long[] total = {0};
        Cuda.runtime(JCuda.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return new long[]{free[0], total[0]};
    }

    /** Device 0's description, or a {@link GpuUnavailableException} saying why there is none. */
    public static GpuInfo require() {
        Status s = probe();
        return s.info().orElseThrow(() -> new GpuUnavailableException(s.reason()));
    }

    private static Status probeOnce() {
        NativeLibraries.Report libraries = NativeLibraries.load();
        try {
            int[] count = {0};
            int result = JCuda.cudaGetDeviceCount(count);
            if (result == cudaError.cudaErrorInsufficientDriver || result == cudaError.cudaErrorNoDevice || count[0] == 0) {
                return unavailable("no usable NVIDIA GPU: cudaGetDeviceCount says " + cudaError.stringFor(result)
                        + " with " + count[0] + " devices" + problems(libraries), libraries);
            }
            Cuda.runtime(result, "cudaGetDeviceCount");
            Cuda.runtime(JCuda.cudaSetDevice(0), "cudaSetDevice(0)");
            cudaDeviceProp props = new cudaDeviceProp();
            Cuda.runtime(JCuda.cudaGetDeviceProperties(props, 0), "cudaGetDeviceProperties(0)");
            int[] driver = {0};
            int[] runtime = {0};
            Cuda.runtime(JCuda.cudaDriverGetVersion(driver), "cudaDriverGetVersion");
            Cuda.runtime(JCuda.cudaRuntimeGetVersion(runtime), "cudaRuntimeGetVersion");
            long cudnn;
            try {
                cudnn = JCudnn.cudnnGetVersion();
            } catch (UnsatisfiedLinkError e) {
                return unavailable("the GPU is there but cuDNN 9 cannot be loaded: " + e.getMessage() + problems(libraries),
                        libraries);
            }
            GpuInfo info = new GpuInfo(0, props.getName(), props.totalGlobalMem, props.major, props.minor,
                    props.multiProcessorCount, driver[0], runtime[0], cudnn);
            return new Status(Optional.of(info), "", libraries);
        } catch (UnsatisfiedLinkError | CudaException e) {
            return unavailable("the CUDA runtime cannot start: " + e.getMessage() + problems(libraries), libraries);
        }
    }

    private static Status unavailable(String reason, NativeLibraries.Report libraries) {
        return new Status(Optional.empty(), reason, libraries);
    }

    private static String problems(NativeLibraries.Report libraries) {
        return libraries.problems().isEmpty() ? "" : "; " + String.join("; ", libraries.problems());
    }
}
