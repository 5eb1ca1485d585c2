package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.sim.math.Gemm;
import dev.jresnet.tensor.BFloat16;
import dev.jresnet.tensor.Float16;
import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

import java.nio.ByteBuffer;

/**
 * The cuBLAS calls jresnet makes: handles bound to a device and a stream, the math mode, the workspace cuBLAS takes
 * on a handle's first GEMM unless one was set (an allocation, so it breaks a stream capture), and column-major
 * cublasGemmEx with cuBLAS's argument rules and table of data and compute types (the fast float32 modes round the
 * inputs as tensor cores do: TF32 to 10-bit mantissas on sm_80 and later), accumulating in float32.
 */
final class SimCublas {
    /** CUBLAS_TF32_TENSOR_OP_MATH: float32 GEMMs on tensor cores with TF32 inputs. */
    static final int TF32_TENSOR_OP_MATH = 3;
    // cublasComputeType_t.
    static final int COMPUTE_16F = 64;
    static final int COMPUTE_32F = 68;
    static final int COMPUTE_32F_PEDANTIC = 69;
    static final int COMPUTE_32F_FAST_16F = 74;
    static final int COMPUTE_32F_FAST_16BF = 75;
    static final int COMPUTE_32F_FAST_TF32 = 77;
    /** CUBLAS_GEMM_DEFAULT. */
    static final int DEFAULT_ALGO = -1;

    static final class BlasHandle {
        final int device;
        SimStream stream;
        int mathMode;
        Allocation lazyWorkspace;
        boolean userWorkspace;

        BlasHandle(int device, SimStream stream) {
            this.device = device;
            this.stream = stream;
        }
    }

    private final Machine m;
    final Registry<BlasHandle> handles = new Registry<>("cublasHandle", 0x5700_0000L);

    SimCublas(Machine m) {
        this.m = m;
    }

    public int cublasCreate(cublasHandle handle) {
        int d = m.current();
        m.startContext(d);
        handles.create(handle, new BlasHandle(d, m.legacyStream(d)), Machine.callSite());
        return cublasStatus.CUBLAS_STATUS_SUCCESS;
    }

    public int cublasDestroy(cublasHandle handle) {
        BlasHandle h = handles.get(handle, "cublasDestroy");
        if (h == null) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_NOT_INITIALIZED, "cublasDestroy", "null handle");
        }
        m.drainDevice(h.device);
        handles.destroy(handle, "cublasDestroy");
        if (h.lazyWorkspace != null) {
            m.memory.free(h.lazyWorkspace, "cublasDestroy");
        }
        return cublasStatus.CUBLAS_STATUS_SUCCESS;
    }

    public int cublasSetStream(cublasHandle handle, cudaStream_t stream) {
        BlasHandle h = handles.get(handle, "cublasSetStream");
        if (h == null) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_NOT_INITIALIZED, "cublasSetStream", "null handle");
        }
        h.stream = m.stream(stream, "cublasSetStream");
        return cublasStatus.CUBLAS_STATUS_SUCCESS;
    }

    public int cublasSetMathMode(cublasHandle handle, int mode) {
        BlasHandle h = handles.get(handle, "cublasSetMathMode");
        if (h == null) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_NOT_INITIALIZED, "cublasSetMathMode", "null handle");
        }
        int base = mode & ~16; // CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION is a flag on top
        if (base < 0 || base > 3) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_INVALID_VALUE, "cublasSetMathMode", "mode " + mode);
        }
        h.mathMode = base;
        return cublasStatus.CUBLAS_STATUS_SUCCESS;
    }

    public int cublasSetWorkspace(cublasHandle handle, Pointer workspace, long workspaceSizeInBytes) {
        BlasHandle h = handles.get(handle, "cublasSetWorkspace");
        if (h == null) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_NOT_INITIALIZED, "cublasSetWorkspace", "null handle");
        }
        if (workspaceSizeInBytes > 0) {
            m.memory.resolve(JCudaObjects.target(workspace), workspaceSizeInBytes, Allocation.Kind.DEVICE, h.device,
                    "cublasSetWorkspace", "workspace");
        }
        h.userWorkspace = true;
        return cublasStatus.CUBLAS_STATUS_SUCCESS;
    }

    public int cublasGetVersion(cublasHandle handle, int[] version) {
        if (handles.get(handle, "cublasGetVersion") == null) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_NOT_INITIALIZED, "cublasGetVersion", "null handle");
        }
        version[0] = m.config.cublasVersion();
        return cublasStatus.CUBLAS_STATUS_SUCCESS;
    }

    public int cublasGemmEx(cublasHandle handle, int transa, int transb, int m, int n, int k, Pointer alpha, Pointer a,
                            int aType, int lda, Pointer b, int bType, int ldb, Pointer beta, Pointer c, int cType, int ldc,
                            int computeType, int algo) {
        String call = "cublasGemmEx";
        BlasHandle h = handles.get(handle, call);
        if (h == null) {
            return this.m.refuse(cublasStatus.CUBLAS_STATUS_NOT_INITIALIZED, call, "null handle");
        }
        if (this.m.stickyFault(h.device) != null) {
            return cublasStatus.CUBLAS_STATUS_EXECUTION_FAILED;
        }
        String invalid = Gemm.invalidArguments(transa, transb, m, n, k, lda, ldb, ldc);
        if (invalid != null) {
            return this.m.refuse(cublasStatus.CUBLAS_STATUS_INVALID_VALUE, call, invalid);
        }
        DataType at = DataType.ofCuda(aType);
        DataType bt = DataType.ofCuda(bType);
        DataType ct = DataType.ofCuda(cType);
        if (!supported(computeType, at, bt, ct) || !(algo == DEFAULT_ALGO || algo >= 0 && algo <= 23 || algo >= 99 && algo <= 115)) {
            return this.m.refuse(cublasStatus.CUBLAS_STATUS_NOT_SUPPORTED, call, "A " + aType + ", B " + bType + ", C " + cType
                    + " with compute type " + computeType + " and algorithm " + algo + " is not a combination cuBLAS supports");
        }
        if (m == 0 || n == 0) {
            return cublasStatus.CUBLAS_STATUS_SUCCESS;
        }
        // Every supported combination scales with float32 alpha and beta.
        float alphaValue = (float) HostMemory.scalar(alpha, false, call, "alpha");
        float betaValue = (float) HostMemory.scalar(beta, false, call, "beta");
        Operand ao = new Operand("A", JCudaObjects.target(a), at, Gemm.extentA(transa, m, k, lda));
        Operand bo = new Operand("B", JCudaObjects.target(b), bt, Gemm.extentB(transb, k, n, ldb));
        Operand co = new Operand("C", JCudaObjects.target(c), ct, Gemm.extentC(m, n, ldc));
        for (Operand o : new Operand[]{ao, bo, co}) {
            region(o, h, call);
        }
        int status = takeWorkspace(h, call);
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            return status;
        }
        DataType inputRounding = inputRounding(computeType, h);
        int queued = this.m.enqueue(h.stream, call + " m=" + m + " n=" + n + " k=" + k, () -> {
            float[] av = read(region(ao, h, call), ao.type, inputRounding);
            float[] bv = read(region(bo, h, call), bo.type, inputRounding);
            AddressSpace.Region cr = region(co, h, call);
            float[] cv = betaValue == 0 ? new float[(int) co.elements] : read(cr, co.type, null);
            Gemm.sgemm(transa, transb, m, n, k, alphaValue, av, lda, bv, ldb, betaValue, cv, ldc);
            write(cr, co.type, cv, m, n, ldc);
        });
        return queued == 0 ? cublasStatus.CUBLAS_STATUS_SUCCESS : cublasStatus.CUBLAS_STATUS_EXECUTION_FAILED;
    }

    /** One matrix of a GEMM: its device address, element type and extent in elements. */
    private record Operand(String name, long address, DataType type, long elements) {
    }

    /**
     * cublasGemmEx's table of supported (compute type, A, B, C) for real data: float32 compute takes fp16 or bf16
     * inputs with an output of their type or float32, or float32 throughout; the fast float32 modes, float32 only;
     * fp16 compute, fp16 throughout.
     */
    private static boolean supported(int compute, DataType a, DataType b, DataType c) {
        if (a == null || a != b || c == null) {
            return false;
        }
        return switch (compute) {
            case COMPUTE_32F, COMPUTE_32F_PEDANTIC -> a == DataType.FLOAT ? c == DataType.FLOAT
                    : (a == DataType.HALF || a == DataType.BFLOAT16) && (c == a || c == DataType.FLOAT);
            case COMPUTE_32F_FAST_16F, COMPUTE_32F_FAST_16BF, COMPUTE_32F_FAST_TF32 -> a == DataType.FLOAT && c == DataType.FLOAT;
            case COMPUTE_16F -> throw new SimulatedFault("cublasGemmEx: the simulated device does not model fp16 compute "
                    + "(half-precision accumulation and scaling factors)");
            default -> false;
        };
    }

    /**
     * What tensor cores round float32 inputs to: TF32 under CUBLAS_COMPUTE_32F_FAST_TF32, or float32 compute with the
     * handle in CUBLAS_TF32_TENSOR_OP_MATH, on GPUs that have TF32 (sm_80 on); fp16 or bf16 under the other fast modes.
     * Null: inputs are used as stored.
     */
    private DataType inputRounding(int compute, BlasHandle h) {
        boolean tf32 = m.spec(h.device).computeMajor() >= 8
                && (compute == COMPUTE_32F_FAST_TF32 || compute == COMPUTE_32F && h.mathMode == TF32_TENSOR_OP_MATH);
        return compute == COMPUTE_32F_FAST_16F ? DataType.HALF : compute == COMPUTE_32F_FAST_16BF ? DataType.BFLOAT16
                : tf32 ? DataType.FLOAT : null;
    }

    /** cuBLAS allocates a workspace on a handle's first GEMM unless the program gave it one. */
    private int takeWorkspace(BlasHandle h, String call) {
        if (h.userWorkspace || h.lazyWorkspace != null) {
            return cublasStatus.CUBLAS_STATUS_SUCCESS;
        }
        if (m.disturbsCapture(call + " allocating its workspace")) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_ALLOC_FAILED, call, "the handle's first GEMM allocates its "
                    + "workspace, which a stream capture does not allow (cublasSetWorkspace avoids it)");
        }
        long bytes = m.spec(h.device).cublasWorkspaceBytes();
        if (bytes > m.freeBytes(h.device)) {
            return m.refuse(cublasStatus.CUBLAS_STATUS_ALLOC_FAILED, call, "no room for its " + bytes + "-byte workspace");
        }
        h.lazyWorkspace = m.takeLibraryMemory(h.device, bytes, "cuBLAS workspace");
        return cublasStatus.CUBLAS_STATUS_SUCCESS;
    }

    private AddressSpace.Region region(Operand o, BlasHandle h, String call) {
        return m.memory.resolve(o.address, o.type.bytes * o.elements, Allocation.Kind.DEVICE, h.device, call, "matrix " + o.name);
    }

    /**
     * The elements of a region as floats; with a rounding type, each rounded as tensor cores round their inputs
     * (FLOAT standing for TF32's 10-bit mantissa; nearest, ties to even).
     */
    private static float[] read(AddressSpace.Region r, DataType type, DataType rounding) {
        ByteBuffer b = r.reading();
        float[] v = new float[(int) (r.length() / type.bytes)];
        for (int i = 0; i < v.length; i++) {
            float x = type.get(b, i);
            v[i] = rounding == null ? x : rounding == DataType.FLOAT ? Tf32.round(x) : rounding == DataType.HALF
                    ? Float16.round(x) : BFloat16.round(x);
        }
        return v;
    }

    /** Only the m x n elements of C are written, converted to C's type: the gaps of a larger ldc keep what they held. */
    private static void write(AddressSpace.Region r, DataType type, float[] c, int m, int n, int ldc) {
        ByteBuffer b = r.writing();
        for (int col = 0; col < n; col++) {
            for (int row = 0; row < m; row++) {
                int i = col * ldc + row;
                type.put(b, i, c[i]);
            }
        }
    }
}
