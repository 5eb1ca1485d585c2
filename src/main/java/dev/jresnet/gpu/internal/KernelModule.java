package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.gpu.CudaException;
import dev.jresnet.gpu.GpuInfo;
import dev.jresnet.gpu.GpuUnavailableException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our kernels: the PTX built from cuda-kernels/ (native/ptx in the jar), each file loaded with cuModuleLoadData into
 * the current (primary) context the first time one of its kernels is asked for, so a network that launches none of
 * them loads none. The PTX targets sm_75 (Turing) at a PTX ISA that every driver for CUDA 12.0 or later (525+) loads;
 * a driver or GPU that cannot load it gets a message naming the driver's CUDA version and the GPU's compute
 * capability instead of a bare status.
 */
final class KernelModule implements AutoCloseable {
    static final String[] PTX_FILES = {"residual_add", "relu", "pad2d", "pool2d", "channel_pad", "normalize_u8", "convert"};
    private static final Pattern ISA = Pattern.compile("(?m)^\\.version (\\d+\\.\\d+)");
    private static final Pattern TARGET = Pattern.compile("(?m)^\\.target sm_(\\d)(\\d+)");

    private final CudaApi cuda;
    private final GpuInfo gpu;
    private final Map<String, CUmodule> modules = new LinkedHashMap<>();
    private final Map<String, CUfunction> functions = new LinkedHashMap<>();

    KernelModule(CudaApi cuda, GpuInfo gpu) {
        this.cuda = cuda;
        this.gpu = gpu;
    }

    /** The kernel of that name, loading the PTX file that defines it if it is not loaded yet. */
    CUfunction function(String name) {
        CUfunction known = functions.get(name);
        if (known != null) {
            return known;
        }
        String file = fileDefining(name);
        CUmodule module = modules.get(file);
        if (module == null) {
            module = load(file);
            modules.put(file, module);
        }
        CUfunction f = new CUfunction();
        CUmodule m = module;
        Cuda.driver(cuda.cuModuleGetFunction(f, m, name), "cuModuleGetFunction", () -> name + " in " + file + ".ptx");
        functions.put(name, f);
        return f;
    }

    private static String fileDefining(String kernel) {
        for (String file : PTX_FILES) {
            if (new String(readPtx(file), StandardCharsets.US_ASCII).contains(".entry " + kernel + "(")) {
                return file;
            }
        }
        throw new IllegalStateException("no kernel " + kernel + " in " + Arrays.toString(PTX_FILES));
    }

    private CUmodule load(String file) {
        byte[] ptx = readPtx(file);
        CUmodule module = new CUmodule();
        int status = cuda.cuModuleLoadData(module, ptx);
        if (status == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION || status == CUresult.CUDA_ERROR_INVALID_PTX
                || status == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU) {
            String text = new String(ptx, StandardCharsets.US_ASCII);
            Matcher isa = ISA.matcher(text);
            Matcher target = TARGET.matcher(text);
            String needs = (isa.find() ? "PTX ISA " + isa.group(1) : "PTX") + (target.find() ? " for compute capability "
                    + target.group(1) + "." + target.group(2) : "");
            throw new GpuUnavailableException("cannot load jresnet's kernels (" + file + ".ptx, " + needs + "): "
                    + CUresult.stringFor(status) + ". They need an NVIDIA driver for CUDA 12.0 or newer (525+) and a GPU "
                    + "of compute capability 7.5 (Turing) or newer; this driver supports CUDA "
                    + GpuInfo.cudaVersion(gpu.driverCudaVersion()) + " and GPU " + gpu.device() + " (" + gpu.name()
                    + ") has compute capability " + gpu.computeMajor() + "." + gpu.computeMinor()
                    + ". Update the driver, or rebuild the PTX with your own nvcc: scripts/build-ptx.sh");
        }
        Cuda.driver(status, "cuModuleLoadData", () -> file + ".ptx");
        return module;
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
            int status = cuda.cuModuleUnload(m);
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
