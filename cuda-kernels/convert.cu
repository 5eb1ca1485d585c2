// out[n, h, w, c] = T(in[n, c, h, w]) for float32 NCHW to 16-bit NHWC, and out[i] = float(in[i]) for 16-bit to float32.
// Launch: 1-D, 256 threads per block, grid-stride loop over the outputs (one thread each; writes coalesced).
// A network's edges: float32 batches into a half-precision network's channels-last input, its 16-bit outputs back.
#include "storage.cuh"

template <typename T>
__device__ void nchw_to_nhwc(const float* __restrict__ in, T* __restrict__ out, long long images, int channels, int height,
                             int width) {
    long long plane = (long long)height * width;
    long long total = images * channels * plane;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        int c = (int)(i % channels);
        long long pixel = (i / channels) % plane;
        long long n = i / (channels * plane);
        out[i] = from_float<T>(in[(n * channels + c) * plane + pixel]);
    }
}

template <typename T>
__device__ void widen(const T* __restrict__ in, float* __restrict__ out, long long count) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (long long)gridDim.x * blockDim.x) {
        out[i] = to_float(in[i]);
    }
}

extern "C" __global__ void nchw_f32_to_nhwc_f16(const float* in, __half* out, long long images, int channels, int height,
                                                int width) {
    nchw_to_nhwc(in, out, images, channels, height, width);
}

extern "C" __global__ void nchw_f32_to_nhwc_bf16(const float* in, __nv_bfloat16* out, long long images, int channels,
                                                 int height, int width) {
    nchw_to_nhwc(in, out, images, channels, height, width);
}

extern "C" __global__ void f16_to_f32(const __half* in, float* out, long long count) {
    widen(in, out, count);
}

extern "C" __global__ void bf16_to_f32(const __nv_bfloat16* in, float* out, long long count) {
    widen(in, out, count);
}
