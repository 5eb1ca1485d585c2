// out[n][c][y][x] (float32 NCHW) or out[n][y][x][c] (16-bit NHWC) = T((in[n][y][x][c] / 255 - mean[c]) / std[c]).
// Launch: 1-D, 256 threads per block, grid-stride loop over the N*3*H*W outputs (NCHW: writes coalesced, reads
// strided by 3; NHWC: both coalesced).
// 8-bit RGB images, interleaved (N, H, W, 3), to a network's normalized input: each step rounded as float32
// (torchvision's ToTensor then Normalize), then stored in the network's type.
#include <stdint.h>
#include "storage.cuh"

__device__ __forceinline__ float normalized(uint8_t v, int c, float mean0, float mean1, float mean2, float std0, float std1,
                                            float std2) {
    float mean = c == 0 ? mean0 : c == 1 ? mean1 : mean2;
    float std = c == 0 ? std0 : c == 1 ? std1 : std2;
    // IEEE-rounded divisions (no fast math), so the result is torchvision's to the bit.
    return __fdiv_rn(__fsub_rn(__fdiv_rn((float)v, 255.0f), mean), std);
}

extern "C" __global__ void normalize_u8_hwc_to_nchw_f32(const uint8_t* in, float* out, long long images, int height,
                                                        int width, float mean0, float mean1, float mean2,
                                                        float std0, float std1, float std2) {
    long long plane = (long long)height * width;
    long long total = images * 3 * plane;
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        long long pixel = i % plane;
        int c = (int)((i / plane) % 3);
        long long n = i / (3 * plane);
        out[i] = normalized(in[(n * plane + pixel) * 3 + c], c, mean0, mean1, mean2, std0, std1, std2);
    }
}

template <typename T>
__device__ void normalize_to_nhwc(const uint8_t* in, T* out, long long images, int height, int width, float mean0,
                                  float mean1, float mean2, float std0, float std1, float std2) {
    long long total = images * height * width * 3;
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        out[i] = from_float<T>(normalized(in[i], (int)(i % 3), mean0, mean1, mean2, std0, std1, std2));
    }
}

extern "C" __global__ void normalize_u8_hwc_to_nhwc_f16(const uint8_t* in, __half* out, long long images, int height,
                                                        int width, float mean0, float mean1, float mean2,
                                                        float std0, float std1, float std2) {
    normalize_to_nhwc(in, out, images, height, width, mean0, mean1, mean2, std0, std1, std2);
}

extern "C" __global__ void normalize_u8_hwc_to_nhwc_bf16(const uint8_t* in, __nv_bfloat16* out, long long images,
                                                         int height, int width, float mean0, float mean1, float mean2,
                                                         float std0, float std1, float std2) {
    normalize_to_nhwc(in, out, images, height, width, mean0, mean1, mean2, std0, std1, std2);
}
