package dev.jresnet.gpu;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Our kernels: the PTX built from cuda-kernels/ (native/ptx in the jar), loaded with cuModuleLoadData into the
 * current (primary) context. The PTX targets sm_75 at PTX ISA 8.0 or earlier, which every driver for CUDA 12.0 or
 * later (>= 525) loads; an older driver gets a message saying so instead of a bare status.
 */
final class KernelModule implements AutoCloseable {
    static final String[] PTX_FILES = {"residual_add", "relu", "pad2d", "pool2d", "channel_pad", "normalize_u8"};

    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();

    KernelModule(int driverCudaVersion) {
        try {
            for (String name : PTX_FILES) {
                CUmodule module = new CUmodule();
                byte[] ptx = readPtx(name);
                int status = JCudaDriver.cuModuleLoadData(module, ptx);
                if (status == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION || status == CUresult.CUDA_ERROR_INVALID_PTX) {
                    throw new GpuUnavailableException("cannot load jresnet's kernels (" + name + ".ptx): "
                            + CUresult.stringFor(status) + ". They are PTX for sm_75 (Turing) and later GPUs and need an "
                            + "NVIDIA driver for CUDA 12.0 or newer (version 525+); this driver supports CUDA "
                            + GpuInfo.cudaVersion(driverCudaVersion)
                            + ". Update the driver, or rebuild the PTX with your own nvcc: scripts/build-ptx.sh");
                }
                Cuda.driver(status, "cuModuleLoadData", () -> name + ".ptx");
                modules.put(name, module);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The kernel of that name from whichever module defines it. */
    CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            for (Map.Entry<String, CUmodule> m : modules.entrySet()) {
                CUfunction f = new CUfunction();
                if (JCudaDriver.cuModuleGetFunction(f, m.getValue(), n) == CUresult.CUDA_SUCCESS) {
                    return f;
                }
            }
            throw new IllegalStateException("no kernel " + n + " in " + Arrays.toString(PTX_FILES));
        });
    }

    /** The PTX text as the driver wants it: NUL-terminated. */
    static byte[] readPtx(String name) {
        try (InputStream in = KernelModule.class.getResourceAsStream("/native/ptx/" + name + ".ptx")) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks native/ptx/" + name + ".ptx; run scripts/build-ptx.sh and rebuild");
            }
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (CUmodule m : modules.values()) {
            int status = JCudaDriver.cuModuleUnload(m);
            if (status != CUresult.CUDA_SUCCESS && first == null) {
                first = new CudaException("cuModuleUnload", status, CUresult.stringFor(status), "");
            }
        }
        modules.clear();
        functions.clear();
        if (first != null) {
            throw first;
        }
    }
}
