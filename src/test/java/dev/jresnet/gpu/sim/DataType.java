package dev.jresnet.gpu.sim;

import dev.jresnet.tensor.BFloat16;
import dev.jresnet.tensor.Float16;

import java.nio.ByteBuffer;

/**
 * The data types the simulated device stores (cudnnDataType_t's values in cuDNN 9: FLOAT 0, DOUBLE 1, HALF 2,
 * BFLOAT16 9; cudaDataType's, which cuBLAS takes: CUDA_R_32F 0, CUDA_R_64F 1, CUDA_R_16F 2, CUDA_R_16BF 14),
 * converted to and from the float32 the simulated math works in; half and bfloat16 round to nearest even on the way
 * back, as the GPU's output conversion does.
 */
enum DataType {
    FLOAT(0, 0, 4), DOUBLE(1, 1, 8), HALF(2, 2, 2), BFLOAT16(9, 14, 2);

    final int code;
    final int cudaCode;
    final int bytes;

    DataType(int code, int cudaCode, int bytes) {
        this.code = code;
        this.cudaCode = cudaCode;
        this.bytes = bytes;
    }

    /** The type of a cudaDataType code (cuBLAS's), or null for one the simulated device does not store. */
    static DataType ofCuda(int cudaCode) {
        for (DataType t : values()) {
            if (t.cudaCode == cudaCode) {
                return t;
            }
        }
        return null;
    }

    /** The type of a cuDNN code, or null for one the simulated device does not store. */
    static DataType of(int code) {
        for (DataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    float get(ByteBuffer b, long element) {
        int at = Math.toIntExact(element * bytes);
        return switch (this) {
            case FLOAT -> b.getFloat(at);
            case DOUBLE -> (float) b.getDouble(at);
            case HALF -> Float16.toFloat(b.getShort(at));
            case BFLOAT16 -> BFloat16.toFloat(b.getShort(at));
        };
    }

    void put(ByteBuffer b, long element, float v) {
        int at = Math.toIntExact(element * bytes);
        switch (this) {
            case FLOAT -> b.putFloat(at, v);
            case DOUBLE -> b.putDouble(at, v);
            case HALF -> b.putShort(at, Float16.fromFloat(v));
            case BFLOAT16 -> b.putShort(at, BFloat16.fromFloat(v));
        }
    }
}
