package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.sim.math.Gemm;
import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The cuBLAS calls jresnet makes: handles bound to a device and a stream, the math mode (TF32 rounds the inputs of
 * an SGEMM to 10-bit mantissas, as tensor cores do), the workspace cuBLAS takes on a handle's first GEMM unless one
 * was set (an allocation, so it breaks a stream capture), and column-major SGEMM with cuBLAS's argument rules.
 */
final class SimCublas {
    /** CUBLAS_TF32_TENSOR_OP_MATH: SGEMM on tensor cores with TF32 inputs. */
    static final int TF32_TENSOR_OP_MATH = 3;

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

    public int cublasSgemm(cublasHandle handle, int transa, int transb, int m, int n, int k, Pointer alpha, Pointer a,
                           int lda, Pointer b, int ldb, Pointer beta, Pointer c, int ldc) {
        String call = "cublasSgemm";
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
        if (m == 0 || n == 0) {
            return cublasStatus.CUBLAS_STATUS_SUCCESS;
        }
        float alphaValue = (float) HostMemory.scalar(alpha, false, call, "alpha");
        float betaValue = (float) HostMemory.scalar(beta, false, call, "beta");
        long aCount = Gemm.extentA(transa, m, k, lda);
        long bCount = Gemm.extentB(transb, k, n, ldb);
        long cCount = Gemm.extentC(m, n, ldc);
        long aAt = JCudaObjects.target(a);
        long bAt = JCudaObjects.target(b);
        long cAt = JCudaObjects.target(c);
        operand(aAt, aCount, h, "A");
        operand(bAt, bCount, h, "B");
        operand(cAt, cCount, h, "C");
        int status = takeWorkspace(h, call);
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            return status;
        }
        boolean tf32 = h.mathMode == TF32_TENSOR_OP_MATH;
        int queued = this.m.enqueue(h.stream, call + " m=" + m + " n=" + n + " k=" + k, () -> {
            float[] av = read(operand(aAt, aCount, h, "A"), tf32);
            float[] bv = read(operand(bAt, bCount, h, "B"), tf32);
            AddressSpace.Region cr = operand(cAt, cCount, h, "C");
            float[] cv = betaValue == 0 ? new float[(int) cCount] : read(cr, false);
            Gemm.sgemm(transa, transb, m, n, k, alphaValue, av, lda, bv, ldb, betaValue, cv, ldc);
            write(cr, cv, m, n, ldc);
        });
        return queued == 0 ? cublasStatus.CUBLAS_STATUS_SUCCESS : cublasStatus.CUBLAS_STATUS_EXECUTION_FAILED;
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

    private AddressSpace.Region operand(long address, long elements, BlasHandle h, String name) {
        return m.memory.resolve(address, 4 * elements, Allocation.Kind.DEVICE, h.device, "cublasSgemm", "matrix " + name);
    }

    /** The floats of a region; with TF32, each rounded to a 10-bit mantissa (nearest, ties to even). */
    private static float[] read(AddressSpace.Region r, boolean tf32) {
        float[] v = new float[(int) (r.length() / 4)];
        r.view().asFloatBuffer().get(v);
        if (tf32) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Tf32.round(v[i]);
            }
        }
        return v;
    }

    /** Only the m x n elements of C are written: the gaps of a larger ldc keep what they held. */
    private static void write(AddressSpace.Region r, float[] c, int m, int n, int ldc) {
        ByteBuffer b = r.view().order(ByteOrder.LITTLE_ENDIAN);
        for (int col = 0; col < n; col++) {
            for (int row = 0; row < m; row++) {
                int i = col * ldc + row;
                b.putFloat(4 * i, c[i]);
            }
        }
    }
}
