package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import dev.jresnet.gpu.CudaException;
import dev.jresnet.gpu.CudnnStatus;
import jcuda.Pointer;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Chooses convolution algorithms by measuring them with cudnnFindConvolutionForwardAlgorithmEx on the network's own
 * buffers and workspace (the variant without Ex allocates copies of every operand and a workspace per algorithm, which
 * fails or silently skips algorithms near the memory limit; the heuristic cudnnGetConvolutionForwardAlgorithm_v7 is
 * absent from JCudnn 12.6's natives), once per shape per process and, with a file, per machine. The choice: among
 * the algorithms that fit the workspace (for fp32, those that do not use tensor cores), the smallest workspace within
 * 10% of the fastest. Each measurement keeps the math type cuDNN ran it with, which the convolution descriptor must
 * then carry (cuDNN picks tensor-core kernels by algorithm and math type together).
 */
final class ConvAlgorithms {
    /** One measured algorithm, with the cudnnMathType_t it ran with. */
    record Measured(int algo, float milliseconds, long workspaceBytes, int mathType) {
        String describe() {
            return cudnnConvolutionFwdAlgo.stringFor(algo) + String.format(Locale.ROOT, " %.3f ms, %d B workspace",
                    milliseconds, workspaceBytes) + (usesTensorCores() ? ", tensor cores" : "");
        }

        boolean usesTensorCores() {
            return mathType == cudnnMathType.CUDNN_TENSOR_OP_MATH || mathType == cudnnMathType.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
        }
    }

    /**
     * One convolution as the search runs it: descriptors and the device memory of its operands. The search writes y
     * (and the workspace): call it only when neither holds anything yet.
     */
    record Problem(cudnnTensorDescriptor xDesc, Pointer x, cudnnFilterDescriptor wDesc, Pointer w,
                   cudnnConvolutionDescriptor conv, cudnnTensorDescriptor yDesc, Pointer y) {
    }

    private ConvAlgorithms() {
    }

    /**
     * @param shapeKey            identifies the (device, versions, precision, x, w, conv, y) combination in the cache
     * @param workspace           the search may use all of it; algorithms needing more are not candidates
     * @param tensorCores         whether algorithms that use tensor cores are candidates (not for fp32)
     * @param implicitPrecompOnly cuDNN's fused call with an identity activation accepts only IMPLICIT_PRECOMP_GEMM
     */
    static Measured choose(CudaApi cuda, cudnnHandle handle, Problem problem, String shapeKey, AlgorithmCache cache,
                           Workspace workspace, boolean tensorCores, boolean implicitPrecompOnly) {
        long workspaceLimit = workspace.bytes();
        List<Measured> candidates = cache.get(shapeKey).orElseGet(() -> {
            List<Measured> measured = measure(cuda, handle, problem, workspace, shapeKey);
            cache.put(shapeKey, measured);
            return measured;
        });
        List<Measured> usable = new ArrayList<>();
        for (Measured m : candidates) {
            if (m.workspaceBytes() <= workspaceLimit && (tensorCores || !m.usesTensorCores())
                    && (!implicitPrecompOnly || m.algo() == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM)) {
                usable.add(m);
            }
        }
        if (usable.isEmpty()) {
            throw new CudaException("cudnnFindConvolutionForwardAlgorithmEx", CudnnStatus.NOT_SUPPORTED,
                    "no usable algorithm", shapeKey + ", workspace limit " + workspaceLimit + " B"
                    + (tensorCores ? "" : ", no tensor cores") + (implicitPrecompOnly ? ", IMPLICIT_PRECOMP_GEMM only" : "")
                    + "; measured: " + candidates);
        }
        float fastest = (float) usable.stream().mapToDouble(Measured::milliseconds).min().orElseThrow();
        return usable.stream().filter(m -> m.milliseconds() <= fastest * 1.1f)
                .min(Comparator.comparingLong(Measured::workspaceBytes)).orElseThrow();
    }

    private static List<Measured> measure(CudaApi cuda, cudnnHandle handle, Problem p, Workspace workspace, String shapeKey) {
        int requested = cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[requested];
        for (int i = 0; i < requested; i++) {
            perf[i] = new cudnnConvolutionFwdAlgoPerf();
        }
        int[] returned = {0};
        Cuda.cudnn(cuda.cudnnFindConvolutionForwardAlgorithmEx(handle, p.xDesc(), p.x(), p.wDesc(), p.w(), p.conv(), p.yDesc(),
                p.y(), requested, returned, perf, workspace.pointer(), workspace.bytes()),
                "cudnnFindConvolutionForwardAlgorithmEx", () -> shapeKey + ", workspace " + workspace.bytes() + " B");
        List<Measured> ok = new ArrayList<>();
        for (int i = 0; i < returned[0]; i++) {
            if (perf[i].status == CudnnStatus.SUCCESS) {
                ok.add(new Measured(perf[i].algo, perf[i].time, perf[i].memory, perf[i].mathType));
            }
        }
        return List.copyOf(ok);
    }
}
