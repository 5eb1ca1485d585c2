package dev.jresnet.gpu;

import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnStatus;
import jcuda.jcudnn.cudnnTensorDescriptor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses convolution algorithms by measuring them (cudnnFindConvolutionForwardAlgorithm; the heuristic
 * cudnnGetConvolutionForwardAlgorithm_v7 is absent from JCudnn 12.6's natives), once per shape per process. The
 * choice: among FMA-math algorithms that fit the workspace limit, the smallest workspace within 10% of the fastest.
 */
final class ConvAlgorithms {
    /** One measured algorithm. */
    record Measured(int algo, float milliseconds, long workspaceBytes) {
        String describe() {
            return cudnnConvolutionFwdAlgo.stringFor(algo) + String.format(java.util.Locale.ROOT, " %.3f ms, %d B workspace",
                    milliseconds, workspaceBytes);
        }
    }

    private ConvAlgorithms() {
    }

    /**
     * @param shapeKey   identifies the (device, versions, precision, x, w, conv, y) combination in the cache
     * @param implicitPrecompOnly cuDNN's fused call with an identity activation accepts only IMPLICIT_PRECOMP_GEMM
     */
    static Measured choose(cudnnHandle handle, cudnnTensorDescriptor x, cudnnFilterDescriptor w, cudnnConvolutionDescriptor conv,
                           cudnnTensorDescriptor y, String shapeKey, AlgorithmCache cache, long workspaceLimit,
                           boolean implicitPrecompOnly) {
        List<Measured> candidates = cache.get(shapeKey).orElseGet(() -> {
            List<Measured> measured = measure(handle, x, w, conv, y, shapeKey);
            cache.put(shapeKey, measured);
            return measured;
        });
        List<Measured> usable = new ArrayList<>();
        for (Measured m : candidates) {
            if (m.workspaceBytes() <= workspaceLimit
                    && (!implicitPrecompOnly || m.algo() == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM)) {
                usable.add(m);
            }
        }
        if (usable.isEmpty()) {
            throw new CudaException("cudnnFindConvolutionForwardAlgorithm", cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED,
                    "no usable algorithm", shapeKey + ", workspace limit " + workspaceLimit + " B"
                    + (implicitPrecompOnly ? ", IMPLICIT_PRECOMP_GEMM only" : "") + "; measured: " + candidates);
        }
        float fastest = (float) usable.stream().mapToDouble(Measured::milliseconds).min().orElseThrow();
        return usable.stream().filter(m -> m.milliseconds() <= fastest * 1.1f)
                .min(Comparator.comparingLong(Measured::workspaceBytes)).orElseThrow();
    }

    private static List<Measured> measure(cudnnHandle handle, cudnnTensorDescriptor x, cudnnFilterDescriptor w,
                                          cudnnConvolutionDescriptor conv, cudnnTensorDescriptor y, String shapeKey) {
        int requested = cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[requested];
        for (int i = 0; i < requested; i++) {
            perf[i] = new cudnnConvolutionFwdAlgoPerf();
        }
        int[] returned = {0};
        Cuda.cudnn(JCudnn.cudnnFindConvolutionForwardAlgorithm(handle, x, w, conv, y, requested, returned, perf),
                "cudnnFindConvolutionForwardAlgorithm", () -> shapeKey);
        List<Measured> ok = new ArrayList<>();
        for (int i = 0; i < returned[0]; i++) {
            // fp32 stays fp32: algorithms that would use tensor cores (TF32) are not candidates.
            if (perf[i].status == cudnnStatus.CUDNN_STATUS_SUCCESS && perf[i].mathType != cudnnMathType.CUDNN_TENSOR_OP_MATH
                    && perf[i].mathType != cudnnMathType.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION) {
                ok.add(new Measured(perf[i].algo, perf[i].time, perf[i].memory));
            }
        }
        return List.copyOf(ok);
    }
}
