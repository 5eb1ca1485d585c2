package dev.jresnet.gpu.sim;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.tensor.Float16;
import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated GPU's own rules, call by call: what it refuses and how, so that the GPU tests built on it can be
 * trusted to fail where a GPU would misbehave. Expected values are CUDA's, cuDNN's and cuBLAS's documented behaviour
 * and small hand computations.
 */
class SimulatedGpuTest {
    private static final int F32 = cudaDataType.CUDA_R_32F;
    private SimulatedGpu sim;
    private CudaApi cuda;

    @BeforeEach
    void start() {
        sim = new SimulatedGpu(SimulatedGpu.Config.standard());
        cuda = sim.api();
        assertEquals(cudaError.cudaSuccess, cuda.cudaSetDevice(0));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Pointer malloc(long bytes) {
        Pointer p = new Pointer();
        assertEquals(cudaError.cudaSuccess, cuda.cudaMalloc(p, bytes));
        return p;
    }

    private cudaStream_t stream() {
        cudaStream_t s = new cudaStream_t();
        assertEquals(cudaError.cudaSuccess, cuda.cudaStreamCreateWithFlags(s, 1));
        return s;
    }

    // ---- memory ----

    @Test
    void aCopyPastTheEndOfAnAllocationIsAFaultNamingItAndWhereItWasMade() {
        Pointer p = malloc(64);
        SimulatedFault f = assertThrows(SimulatedFault.class, () -> cuda.cudaMemcpy(p, Pointer.to(new float[17]), 68,
                cudaMemcpyKind.cudaMemcpyHostToDevice));
        assertTrue(f.getMessage().contains("runs 4 bytes past the end of allocation #"), f.getMessage());
        assertTrue(f.getMessage().contains("cudaMalloc of 64 bytes"), f.getMessage());
        assertTrue(f.getMessage().contains("SimulatedGpuTest.malloc"), f.getMessage());
    }

    @Test
    void aDoubleFreeAndAUseAfterFreeAreFaults() {
        Pointer p = malloc(64);
        assertEquals(cudaError.cudaSuccess, cuda.cudaFree(p));
        assertTrue(assertThrows(SimulatedFault.class, () -> cuda.cudaFree(p)).getMessage().contains("double free"));
        SimulatedFault f = assertThrows(SimulatedFault.class, () -> cuda.cudaMemcpy(p, Pointer.to(new float[4]), 16,
                cudaMemcpyKind.cudaMemcpyHostToDevice));
        assertTrue(f.getMessage().contains("uses freed memory"), f.getMessage());
    }

    @Test
    void whatIsNotFreedIsListedAsALeak() {
        malloc(100);
        cudaStream_t s = stream();
        List<String> leaks = sim.leaks();
        assertEquals(2, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).contains("cudaMalloc of 100 bytes"), leaks.toString());
        assertTrue(leaks.get(1).startsWith("stream"), leaks.toString());
        assertEquals(cudaError.cudaSuccess, cuda.cudaStreamDestroy(s));
    }

    @Test
    void cudaMemGetInfoCountsTheContextAndEveryAllocation() {
        long[] free = {0};
        long[] total = {0};
        cuda.cudaMemGetInfo(free, total);
        DeviceSpec spec = SimulatedGpu.Config.standard().devices().get(0);
        assertEquals(spec.totalMemory(), total[0]);
        assertEquals(spec.totalMemory() - spec.contextBytes(), free[0]);
        Pointer p = malloc(1 << 20);
        long[] after = {0};
        cuda.cudaMemGetInfo(after, total);
        assertEquals(free[0] - (1 << 20), after[0]);
        assertEquals(cudaError.cudaErrorMemoryAllocation, cuda.cudaMalloc(new Pointer(), after[0] + 1));
        cuda.cudaFree(p);
    }

    // ---- streams ----

    @Test
    void asynchronousWorkHappensOnlyWhenTheStreamIsSynchronized() {
        Pointer d = malloc(16);
        Pointer pinned = new Pointer();
        assertEquals(cudaError.cudaSuccess, cuda.cudaHostAlloc(pinned, 16, 0));
        FloatBuffer host = cuda.getByteBuffer(pinned, 0, 16).order(ByteOrder.nativeOrder()).asFloatBuffer();
        cudaStream_t s = stream();
        cuda.cudaMemcpyAsync(d, Pointer.to(new float[]{1, 2, 3, 4}), 16, cudaMemcpyKind.cudaMemcpyHostToDevice, s);
        cuda.cudaMemcpyAsync(pinned, d, 16, cudaMemcpyKind.cudaMemcpyDeviceToHost, s);
        assertTrue(Float.isNaN(host.get(0)), "read before synchronizing: not there yet");
        assertEquals(cudaError.cudaSuccess, cuda.cudaStreamSynchronize(s));
        assertEquals(4f, host.get(3));
        cuda.cudaStreamDestroy(s);
        cuda.cudaFreeHost(pinned);
        cuda.cudaFree(d);
    }

    /**
     * CUDA: a copy from pageable memory "may return before the DMA to final destination has completed". Waited for
     * (cudaDeviceSynchronize), its data is there for a non-blocking stream; not waited for, that stream reads what was
     * there before, and the copy, landing later, races with its read: the device reports the race when it lands.
     */
    @Test
    void aSynchronousUploadFromPageableMemoryIsNotOrderedBeforeANonBlockingStream() {
        Pointer d = malloc(16);
        Pointer pinned = new Pointer();
        cuda.cudaHostAlloc(pinned, 16, 0);
        cudaStream_t s = stream();
        FloatBuffer host = cuda.getByteBuffer(pinned, 0, 16).order(ByteOrder.nativeOrder()).asFloatBuffer();
        cuda.cudaMemcpy(d, Pointer.to(new float[]{5, 6, 7, 8}), 16, cudaMemcpyKind.cudaMemcpyHostToDevice);
        cuda.cudaDeviceSynchronize();
        cuda.cudaMemcpyAsync(pinned, d, 16, cudaMemcpyKind.cudaMemcpyDeviceToHost, s);
        cuda.cudaStreamSynchronize(s);
        assertEquals(5f, host.get(0));

        Pointer fresh = malloc(16);
        cuda.cudaMemcpy(fresh, Pointer.to(new float[]{1, 2, 3, 4}), 16, cudaMemcpyKind.cudaMemcpyHostToDevice);
        cuda.cudaMemcpyAsync(pinned, fresh, 16, cudaMemcpyKind.cudaMemcpyDeviceToHost, s);
        cuda.cudaStreamSynchronize(s);
        assertTrue(Float.isNaN(host.get(0)), "the non-blocking stream did not wait for the legacy stream's upload");
        SimulatedFault race = assertThrows(SimulatedFault.class, cuda::cudaDeviceSynchronize);
        assertTrue(race.getMessage().contains("a data race on allocation #") && race.getMessage().contains("a write by cudaMemcpy")
                && race.getMessage().contains("is not ordered after the read by cudaMemcpyAsync"), race.getMessage());
        cuda.cudaStreamDestroy(s);
        cuda.cudaFreeHost(pinned);
        cuda.cudaFree(d);
        cuda.cudaFree(fresh);
    }

    /** Two streams writing one buffer race unless an event orders them; with it they do not. */
    @Test
    void writesFromTwoStreamsRaceUnlessAnEventOrdersThem() {
        Pointer d = malloc(16);
        Pointer pinned = new Pointer();
        cuda.cudaHostAlloc(pinned, 16, 0);
        cudaStream_t first = stream();
        cudaStream_t second = stream();
        cudaEvent_t written = new cudaEvent_t();
        cuda.cudaEventCreateWithFlags(written, 2);
        cuda.cudaMemcpyAsync(d, pinned, 16, cudaMemcpyKind.cudaMemcpyHostToDevice, first);
        cuda.cudaEventRecord(written, first);
        cuda.cudaStreamWaitEvent(second, written, 0);
        cuda.cudaMemcpyAsync(d, pinned, 16, cudaMemcpyKind.cudaMemcpyHostToDevice, second);
        cuda.cudaStreamSynchronize(second);
        cuda.cudaStreamSynchronize(first);

        cuda.cudaMemcpyAsync(d, pinned, 16, cudaMemcpyKind.cudaMemcpyHostToDevice, first);
        cuda.cudaMemcpyAsync(d, pinned, 16, cudaMemcpyKind.cudaMemcpyHostToDevice, second);
        cuda.cudaStreamSynchronize(first);
        SimulatedFault race = assertThrows(SimulatedFault.class, () -> cuda.cudaStreamSynchronize(second));
        assertTrue(race.getMessage().contains("a write by cudaMemcpyAsync") && race.getMessage().contains("is not ordered after "
                + "the write by cudaMemcpyAsync"), race.getMessage());
        cuda.cudaEventDestroy(written);
        cuda.cudaStreamDestroy(first);
        cuda.cudaStreamDestroy(second);
        cuda.cudaFreeHost(pinned);
        cuda.cudaFree(d);
    }

    // ---- capture and graphs ----

    @Test
    void anAllocationDuringCaptureInvalidatesItAndAGraphReplaysWhatWasCaptured() {
        cudaStream_t s = stream();
        CUstream cs = new CUstream(s);
        Pointer d = malloc(16);
        Pointer pinned = new Pointer();
        cuda.cudaHostAlloc(pinned, 16, 0);
        FloatBuffer host = cuda.getByteBuffer(pinned, 0, 16).order(ByteOrder.nativeOrder()).asFloatBuffer();

        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuStreamBeginCapture(cs, 1));
        assertEquals(cudaError.cudaErrorStreamCaptureUnsupported, cuda.cudaMalloc(new Pointer(), 16));
        assertEquals(CUresult.CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.cuStreamEndCapture(cs, new CUgraph()));

        host.put(0, 42f);
        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuStreamBeginCapture(cs, 1));
        cuda.cudaMemcpyAsync(d, pinned, 16, cudaMemcpyKind.cudaMemcpyHostToDevice, s);
        cuda.cudaMemcpyAsync(pinned.withByteOffset(4), d, 4, cudaMemcpyKind.cudaMemcpyDeviceToHost, s);
        assertEquals(cudaError.cudaErrorStreamCaptureUnsupported, cuda.cudaStreamSynchronize(s), "no synchronizing in capture");
        assertEquals(CUresult.CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.cuStreamEndCapture(cs, new CUgraph()));

        CUgraph graph = new CUgraph();
        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuStreamBeginCapture(cs, 1));
        cuda.cudaMemcpyAsync(d, pinned, 16, cudaMemcpyKind.cudaMemcpyHostToDevice, s);
        cuda.cudaMemcpyAsync(pinned.withByteOffset(4), d, 4, cudaMemcpyKind.cudaMemcpyDeviceToHost, s);
        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuStreamEndCapture(cs, graph));
        assertEquals(0f, host.get(1) == 42f ? 1f : 0f, "capturing runs nothing");
        CUgraphExec exec = new CUgraphExec();
        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuGraphInstantiate(exec, graph, 0));
        for (float v : new float[]{42f, 7f}) {
            host.put(0, v);
            assertEquals(CUresult.CUDA_SUCCESS, cuda.cuGraphLaunch(exec, cs));
            cuda.cudaStreamSynchronize(s);
            assertEquals(v, host.get(1), "each replay reads the host memory of its time");
        }
        cuda.cuGraphExecDestroy(exec);
        cuda.cuGraphDestroy(graph);
        cuda.cudaStreamDestroy(s);
        cuda.cudaFreeHost(pinned);
        cuda.cudaFree(d);
    }

    // ---- kernels ----

    private static final String PTX = """
            .version 7.0
            .target sm_75
            .address_size 64
            .visible .entry fill(.param .u64 fill_param_0, .param .u32 fill_param_1)
            {
            \t.reg .pred %p<2>;
            \t.reg .b32 %r<4>;
            \t.reg .f32 %f<2>;
            \t.reg .b64 %rd<4>;
            \tld.param.u64 %rd1, [fill_param_0];
            \tld.param.u32 %r1, [fill_param_1];
            \tmov.u32 %r2, %tid.x;
            \tsetp.ge.u32 %p1, %r2, %r1;
            \t@%p1 bra $L_done;
            \tcvta.to.global.u64 %rd2, %rd1;
            \tmul.wide.u32 %rd3, %r2, 4;
            \tadd.s64 %rd2, %rd2, %rd3;
            \tmov.f32 %f1, 0f3F800000;
            \tst.global.f32 [%rd2], %f1;
            $L_done:
            \tret;
            }
            """;

    private CUfunction load(String ptx, CUmodule module) {
        byte[] text = (ptx + "\0").getBytes(StandardCharsets.US_ASCII);
        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuModuleLoadData(module, text));
        CUfunction f = new CUfunction();
        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuModuleGetFunction(f, module, "fill"));
        return f;
    }

    @Test
    void aKernelWritingPastItsBufferFaultsWhenItRunsNamingTheThreadAndTheAllocation() {
        CUmodule module = new CUmodule();
        CUfunction fill = load(PTX, module);
        Pointer d = malloc(4 * 8);
        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuLaunchKernel(fill, 1, 1, 1, 32, 1, 1, 0, null,
                Pointer.to(Pointer.to(d), Pointer.to(new int[]{8})), null));
        float[] out = new float[8];
        cuda.cudaMemcpy(Pointer.to(out), d, 32, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 1, 1}, out);

        assertEquals(CUresult.CUDA_SUCCESS, cuda.cuLaunchKernel(fill, 1, 1, 1, 32, 1, 1, 0, null,
                Pointer.to(Pointer.to(d), Pointer.to(new int[]{9})), null));
        SimulatedFault f = assertThrows(SimulatedFault.class, () -> cuda.cudaDeviceSynchronize());
        assertTrue(f.getMessage().contains("kernel fill"), f.getMessage());
        assertTrue(f.getMessage().contains("past the end of allocation #"), f.getMessage());
        assertEquals(cudaError.cudaErrorIllegalAddress, cuda.cudaDeviceSynchronize(), "the error is sticky, as on a GPU");
    }

    @Test
    void aKernelParameterOfTheWrongWidthIsRefusedAtLaunch() {
        CUfunction fill = load(PTX, new CUmodule());
        Pointer d = malloc(32);
        SimulatedFault f = assertThrows(SimulatedFault.class, () -> cuda.cuLaunchKernel(fill, 1, 1, 1, 32, 1, 1, 0, null,
                Pointer.to(Pointer.to(d), Pointer.to(new long[]{8})), null));
        assertTrue(f.getMessage().contains("parameter 1 (fill_param_1) is .u32, 4 bytes; 8 bytes were passed"), f.getMessage());
    }

    @Test
    void ptxIsLoadedOnlyByADriverAndAGpuThatSupportItsVersionAndTarget() {
        CudaApi turing = new SimulatedGpu(SimulatedGpu.Config.cuda12Turing()).api();
        assertEquals(CUresult.CUDA_ERROR_INVALID_CONTEXT, turing.cuModuleLoadData(new CUmodule(),
                (PTX + "\0").getBytes(StandardCharsets.US_ASCII)), "the driver API needs a current context");
        turing.cudaSetDevice(0);
        assertEquals(CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, turing.cuModuleLoadData(new CUmodule(),
                (PTX.replace(".version 7.0", ".version 9.0") + "\0").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(CUresult.CUDA_ERROR_INVALID_PTX, turing.cuModuleLoadData(new CUmodule(),
                (PTX.replace("sm_75", "sm_80") + "\0").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(CUresult.CUDA_SUCCESS, turing.cuModuleLoadData(new CUmodule(), (PTX + "\0").getBytes(StandardCharsets.US_ASCII)));
    }

    // ---- cuDNN ----

    private cudnnTensorDescriptor tensor(int n, int c, int h, int w) {
        cudnnTensorDescriptor t = new cudnnTensorDescriptor();
        cuda.cudnnCreateTensorDescriptor(t);
        assertEquals(0, cuda.cudnnSetTensor4dDescriptor(t, 0, 0, n, c, h, w));
        return t;
    }

    @Test
    void theFusedConvolutionRefusesWhatItsReferenceListsAsNotSupported() {
        cudnnHandle h = new cudnnHandle();
        assertEquals(0, cuda.cudnnCreate(h));
        cudnnTensorDescriptor x = tensor(1, 4, 8, 8);
        cudnnTensorDescriptor y = tensor(1, 4, 8, 8);
        cudnnTensorDescriptor bias = tensor(1, 4, 1, 1);
        cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        cuda.cudnnCreateFilterDescriptor(w);
        assertEquals(0, cuda.cudnnSetFilter4dDescriptor(w, 0, 0, 4, 4, 3, 3));
        cudnnConvolutionDescriptor conv = new cudnnConvolutionDescriptor();
        cuda.cudnnCreateConvolutionDescriptor(conv);
        assertEquals(0, cuda.cudnnSetConvolution2dDescriptor(conv, 1, 1, 1, 1, 1, 1, 1, 0));
        cudnnActivationDescriptor act = new cudnnActivationDescriptor();
        cuda.cudnnCreateActivationDescriptor(act);
        Pointer xd = malloc(4 * 256);
        Pointer wd = malloc(4 * 144);
        Pointer yd = malloc(4 * 256);
        Pointer bd = malloc(16);
        Pointer ws = malloc(1 << 20);
        Pointer one = Pointer.to(new float[]{1});
        Pointer zero = Pointer.to(new float[]{0});

        cuda.cudnnSetActivationDescriptor(act, 1, 1, 0); // RELU, CUDNN_PROPAGATE_NAN
        assertEquals(3000, cuda.cudnnConvolutionBiasActivationForward(h, one, x, xd, w, wd, conv, 1, ws, 1 << 20, zero, y, yd,
                bias, bd, act, y, yd), "reluNanOpt must be CUDNN_NOT_PROPAGATE_NAN");
        cuda.cudnnSetActivationDescriptor(act, 5, 0, 0); // IDENTITY
        assertEquals(3000, cuda.cudnnConvolutionBiasActivationForward(h, one, x, xd, w, wd, conv, 0, ws, 1 << 20, zero, y, yd,
                bias, bd, act, y, yd), "IDENTITY only with IMPLICIT_PRECOMP_GEMM");
        assertEquals(0, cuda.cudnnConvolutionBiasActivationForward(h, one, x, xd, w, wd, conv, 1, ws, 1 << 20, zero, y, yd,
                bias, bd, act, y, yd));
        long[] needed = {0};
        assertEquals(0, cuda.cudnnGetConvolutionForwardWorkspaceSize(h, x, w, conv, y, 2, needed));
        assertTrue(needed[0] > 0, "GEMM needs a workspace");
        assertEquals(2000, cuda.cudnnConvolutionForward(h, one, x, xd, w, wd, conv, 2, ws, needed[0] - 1, zero, y, yd),
                "a workspace smaller than the algorithm needs");
        assertEquals(3000, cuda.cudnnConvolutionForward(h, one, x, xd, w, wd, conv, 3, ws, 0, zero, y, yd),
                "DIRECT has no implementation");

        cudnnTensorDescriptor wrongY = tensor(1, 4, 4, 4);
        assertEquals(2000, cuda.cudnnConvolutionForward(h, one, x, xd, w, wd, conv, 0, ws, 0, zero, wrongY, yd),
                "y must have the convolution's output shape");
        cuda.cudaDeviceSynchronize();
        for (Object d : new Object[]{x, y, bias, wrongY}) {
            cuda.cudnnDestroyTensorDescriptor((cudnnTensorDescriptor) d);
        }
        cuda.cudnnDestroyFilterDescriptor(w);
        cuda.cudnnDestroyConvolutionDescriptor(conv);
        cuda.cudnnDestroyActivationDescriptor(act);
        cuda.cudnnDestroy(h);
        for (Pointer p : new Pointer[]{xd, wd, yd, bd, ws}) {
            cuda.cudaFree(p);
        }
        assertEquals(List.of(), sim.leaks());
    }

    /** bfloat16 convolutions (NHWC, float compute) run on sm_80 and later: the Hopper answers, the Turing refuses. */
    @Test
    void bfloat16ConvolutionsNeedComputeCapability8() {
        int bf16 = 9;
        int nhwc = 1;
        for (int device : new int[]{0, 1}) {
            cuda.cudaSetDevice(device);
            cudnnHandle h = new cudnnHandle();
            assertEquals(0, cuda.cudnnCreate(h));
            cudnnTensorDescriptor x = new cudnnTensorDescriptor();
            cuda.cudnnCreateTensorDescriptor(x);
            assertEquals(0, cuda.cudnnSetTensor4dDescriptor(x, nhwc, bf16, 1, 8, 4, 4));
            cudnnFilterDescriptor w = new cudnnFilterDescriptor();
            cuda.cudnnCreateFilterDescriptor(w);
            assertEquals(0, cuda.cudnnSetFilter4dDescriptor(w, bf16, nhwc, 8, 8, 1, 1));
            cudnnConvolutionDescriptor conv = new cudnnConvolutionDescriptor();
            cuda.cudnnCreateConvolutionDescriptor(conv);
            assertEquals(0, cuda.cudnnSetConvolution2dDescriptor(conv, 0, 0, 1, 1, 1, 1, 1, 0));
            long[] needed = {0};
            assertEquals(device == 0 ? 0 : 3000, cuda.cudnnGetConvolutionForwardWorkspaceSize(h, x, w, conv, x, 1, needed),
                    "device " + device);
            cuda.cudnnDestroyTensorDescriptor(x);
            cuda.cudnnDestroyFilterDescriptor(w);
            cuda.cudnnDestroyConvolutionDescriptor(conv);
            cuda.cudnnDestroy(h);
        }
    }

    /** cudnnSetFilter4dDescriptor takes (dataType, format); given in the tensor order (format, dataType) it is refused. */
    @Test
    void aFilterDescriptorWithItsArgumentsInTensorOrderIsRefused() {
        cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        cuda.cudnnCreateFilterDescriptor(w);
        int nhwc = 1;
        int half = 2;
        assertEquals(0, cuda.cudnnSetFilter4dDescriptor(w, half, nhwc, 8, 8, 3, 3));
        assertEquals(2000, cuda.cudnnSetFilter4dDescriptor(w, nhwc, half, 8, 8, 3, 3), "DOUBLE with format 2 (NCHW_VECT_C)");
        cuda.cudnnDestroyFilterDescriptor(w);
    }

    @Test
    void aTensorOfMoreThan2To31ElementsIsNotSupported() {
        cudnnTensorDescriptor t = new cudnnTensorDescriptor();
        cuda.cudnnCreateTensorDescriptor(t);
        assertEquals(0, cuda.cudnnSetTensor4dDescriptor(t, 0, 0, 2674, 64, 112, 112));
        assertEquals(3000, cuda.cudnnSetTensor4dDescriptor(t, 0, 0, 2675, 64, 112, 112));
        cuda.cudnnDestroyTensorDescriptor(t);
    }

    @Test
    void aDescriptorUsedAfterItWasDestroyedIsAFault() {
        cudnnTensorDescriptor t = tensor(1, 1, 1, 1);
        cuda.cudnnDestroyTensorDescriptor(t);
        SimulatedFault f = assertThrows(SimulatedFault.class, () -> cuda.cudnnSetTensor4dDescriptor(t, 0, 0, 1, 1, 1, 1));
        assertTrue(f.getMessage().contains("already destroyed"), f.getMessage());
    }

    // ---- cuBLAS ----

    /**
     * Column-major C (2x2) = A^T (2x3) * B (3x2) with A stored 3x2 (lda 3) and B 3x2 (ldb 3):
     * A = [[1,2],[3,4],[5,6]] (columns [1,3,5], [2,4,6]), B = [[1,0],[0,1],[1,1]] (columns [1,0,1], [0,1,1]):
     * A^T B = [[1+5, 3+5], [2+6, 4+6]] = [[6, 8], [8, 10]], stored by columns as [6, 8, 8, 10].
     */
    @Test
    void gemmIsColumnMajorWithTransposesAndRefusesLeadingDimensionsTooSmall() {
        cublasHandle h = new cublasHandle();
        assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, cuda.cublasCreate(h));
        Pointer a = malloc(24);
        Pointer b = malloc(24);
        Pointer c = malloc(16);
        cuda.cudaMemcpy(a, Pointer.to(new float[]{1, 3, 5, 2, 4, 6}), 24, cudaMemcpyKind.cudaMemcpyHostToDevice);
        cuda.cudaMemcpy(b, Pointer.to(new float[]{1, 0, 1, 0, 1, 1}), 24, cudaMemcpyKind.cudaMemcpyHostToDevice);
        Pointer one = Pointer.to(new float[]{1});
        Pointer zero = Pointer.to(new float[]{0});
        assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, cuda.cublasGemmEx(h, 1, 0, 2, 2, 3, one, a, F32, 3, b, F32, 3, zero, c,
                F32, 2, cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT));
        float[] out = new float[4];
        cuda.cudaMemcpy(Pointer.to(out), c, 16, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        assertArrayEquals(new float[]{6, 8, 8, 10}, out);
        assertEquals(cublasStatus.CUBLAS_STATUS_INVALID_VALUE, cuda.cublasGemmEx(h, 0, 0, 2, 2, 3, one, a, F32, 1, b, F32, 3,
                zero, c, F32, 2, cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT),
                "op(A) = A is m x k = 2 x 3: lda must be at least 2");
        cuda.cublasDestroy(h);
        for (Pointer p : new Pointer[]{a, b, c}) {
            cuda.cudaFree(p);
        }
    }

    /**
     * fp16 A and B with a float32 C (float32 compute): 1.5 * 2.25 + 0.5 * 4 = 5.375, exact. fp16 inputs with a bf16 C
     * is not in cublasGemmEx's table: NOT_SUPPORTED. CUBLAS_COMPUTE_32F_FAST_TF32 rounds float32 inputs to TF32 on
     * sm_90 (1 + 2^-12 becomes 1) and leaves them on sm_75, which has no TF32.
     */
    @Test
    void gemmExTakesHalfInputsWithAFloatOutputAndRoundsToTf32OnlyWhereTheGpuHasIt() {
        cublasHandle h = new cublasHandle();
        assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, cuda.cublasCreate(h));
        Pointer a = malloc(4);
        Pointer b = malloc(4);
        Pointer c = malloc(4);
        cuda.cudaMemcpy(a, Pointer.to(new short[]{Float16.fromFloat(1.5f), Float16.fromFloat(0.5f)}), 4,
                cudaMemcpyKind.cudaMemcpyHostToDevice);
        cuda.cudaMemcpy(b, Pointer.to(new short[]{Float16.fromFloat(2.25f), Float16.fromFloat(4f)}), 4,
                cudaMemcpyKind.cudaMemcpyHostToDevice);
        Pointer one = Pointer.to(new float[]{1});
        Pointer zero = Pointer.to(new float[]{0});
        int half = cudaDataType.CUDA_R_16F;
        assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, cuda.cublasGemmEx(h, 1, 0, 1, 1, 2, one, a, half, 2, b, half, 2, zero,
                c, F32, 1, cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT));
        float[] out = new float[1];
        cuda.cudaMemcpy(Pointer.to(out), c, 4, cudaMemcpyKind.cudaMemcpyDeviceToHost);
        assertEquals(5.375f, out[0]);
        assertEquals(cublasStatus.CUBLAS_STATUS_NOT_SUPPORTED, cuda.cublasGemmEx(h, 1, 0, 1, 1, 2, one, a, half, 2, b, half, 2,
                zero, c, cudaDataType.CUDA_R_16BF, 1, cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT));
        cuda.cublasDestroy(h);
        for (Pointer p : new Pointer[]{a, b, c}) {
            cuda.cudaFree(p);
        }
        float x = 1 + 0x1p-12f;
        for (int device : new int[]{0, 1}) {
            cuda.cudaSetDevice(device);
            cublasHandle onDevice = new cublasHandle();
            cuda.cublasCreate(onDevice);
            Pointer xa = malloc(4);
            Pointer xc = malloc(4);
            cuda.cudaMemcpy(xa, Pointer.to(new float[]{x}), 4, cudaMemcpyKind.cudaMemcpyHostToDevice);
            assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, cuda.cublasGemmEx(onDevice, 0, 0, 1, 1, 1, one, xa, F32, 1, xa, F32,
                    1, zero, xc, F32, 1, cublasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT));
            cuda.cudaMemcpy(Pointer.to(out), xc, 4, cudaMemcpyKind.cudaMemcpyDeviceToHost);
            assertEquals(device == 0 ? 1f : x * x, out[0], "x * x on device " + device);
            cuda.cublasDestroy(onDevice);
            cuda.cudaFree(xa);
            cuda.cudaFree(xc);
        }
    }

    // ---- fault injection ----

    @Test
    void theKthAllocationFailsWhenAsked() {
        sim.failCall(SimulatedGpu.Calls.ALLOCATION, 2);
        Pointer first = malloc(8);
        assertEquals(cudaError.cudaErrorMemoryAllocation, cuda.cudaMalloc(new Pointer(), 8));
        Pointer third = malloc(8);
        assertEquals(1, sim.injectedFailures().size());
        cuda.cudaFree(first);
        cuda.cudaFree(third);
    }
}
