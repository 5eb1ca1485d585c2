package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.GpuInfo;
import dev.jresnet.plan.Precision;
import dev.jresnet.tensor.BFloat16;
import dev.jresnet.tensor.Float16;
import jcuda.cudaDataType;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorFormat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How a {@link Precision} is stored and computed on the GPU. Activations and weights: float32 in NCHW for fp32 and
 * tf32; fp16 or bf16 in NHWC (channels last, the layout cuDNN's tensor-core kernels work in, so it adds no transposes)
 * for the 16-bit precisions. Convolutions accumulate in float32 everywhere (cuDNN's FLOAT and PSEUDO_HALF /
 * PSEUDO_BFLOAT16 configurations); fp32 keeps FMA math so no TF32 creeps in, the others allow tensor-op math. The
 * classifier's GEMM takes the same inputs, accumulates in float32 (TF32 inputs for tf32) and writes float32 logits.
 */
enum DevicePrecision {
    FP32(Precision.FP32, cudnnDataType.CUDNN_DATA_FLOAT, cudaDataType.CUDA_R_32F, cudnnMathType.CUDNN_FMA_MATH,
            cublasComputeType.CUBLAS_COMPUTE_32F, "f32", 7),
    TF32(Precision.TF32, cudnnDataType.CUDNN_DATA_FLOAT, cudaDataType.CUDA_R_32F, cudnnMathType.CUDNN_TENSOR_OP_MATH,
            cublasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, "f32", 7),
    FP16(Precision.FP16, cudnnDataType.CUDNN_DATA_HALF, cudaDataType.CUDA_R_16F, cudnnMathType.CUDNN_TENSOR_OP_MATH,
            cublasComputeType.CUBLAS_COMPUTE_32F, "f16", 7),
    /** cuDNN runs bfloat16 convolutions (PSEUDO_BFLOAT16_CONFIG) on compute capability 8.0 and later only. */
    BF16(Precision.BF16, cudnnDataType.CUDNN_DATA_BFLOAT16, cudaDataType.CUDA_R_16BF, cudnnMathType.CUDNN_TENSOR_OP_MATH,
            cublasComputeType.CUBLAS_COMPUTE_32F, "bf16", 8);

    final Precision precision;
    /** cudnnDataType_t of activations, weights and convolution biases. */
    final int cudnnType;
    /** cudaDataType of the classifier's weights and features, for cublasGemmEx. */
    final int cudaType;
    /** cudnnMathType_t the convolution descriptors start with. */
    final int convolutionMath;
    /** cublasComputeType_t of the classifier's GEMM. */
    final int gemmCompute;
    /** The suffix of our kernels' names for this storage: "f32" (NCHW), "f16" or "bf16" (NHWC). */
    final String kernelSuffix;
    private final int minimumComputeMajor;

    DevicePrecision(Precision precision, int cudnnType, int cudaType, int convolutionMath, int gemmCompute, String kernelSuffix,
                    int minimumComputeMajor) {
        this.precision = precision;
        this.cudnnType = cudnnType;
        this.cudaType = cudaType;
        this.convolutionMath = convolutionMath;
        this.gemmCompute = gemmCompute;
        this.kernelSuffix = kernelSuffix;
        this.minimumComputeMajor = minimumComputeMajor;
    }

    static DevicePrecision of(Precision p) {
        for (DevicePrecision d : values()) {
            if (d.precision == p) {
                return d;
            }
        }
        throw new IllegalArgumentException("no GPU storage for " + p);
    }

    /** Activations and weights in 16 bits, channels last. */
    boolean channelsLast() {
        return precision.sixteenBitStorage();
    }

    /** cudnnTensorFormat_t of activations and filters. */
    int tensorFormat() {
        return channelsLast() ? cudnnTensorFormat.CUDNN_TENSOR_NHWC : cudnnTensorFormat.CUDNN_TENSOR_NCHW;
    }

    /** Bytes per stored activation or weight. */
    int bytes() {
        return channelsLast() ? 2 : 4;
    }

    /**
     * Whether cuDNN's measured algorithms that use tensor cores are candidates: for every precision but fp32, where
     * TF32 tensor-core rounding would break the 1e-5 bar.
     */
    boolean allowsTensorOps() {
        return this != FP32;
    }

    /** Refuses a GPU too old for this precision, naming it and what it needs. */
    void checkSupportedBy(GpuInfo gpu) {
        if (gpu.computeMajor() < minimumComputeMajor) {
            throw new IllegalArgumentException(precision.label() + " needs a GPU of compute capability " + minimumComputeMajor
                    + ".0 or newer (cuDNN's " + precision.label() + " convolutions); GPU " + gpu.device() + " (" + gpu.name()
                    + ") has " + gpu.computeMajor() + "." + gpu.computeMinor());
        }
    }

    /** The values as this precision stores them: little-endian, rounded to nearest even when 16-bit. */
    byte[] encode(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            put(out, v);
        }
        return out.array();
    }

    private void put(ByteBuffer out, float v) {
        switch (this) {
            case FP16 -> out.putShort(Float16.fromFloat(v));
            case BF16 -> out.putShort(BFloat16.fromFloat(v));
            default -> out.putFloat(v);
        }
    }
}
