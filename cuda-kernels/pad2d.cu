// out[p, h, w] = in[p, src(h - top, inH), src(w - left, inW)], src() per mode (0 zeros, 1 reflect, 2 replicate, 3 circular; zeros gives 0 outside).
// Launch: 1-D, 256 threads per block, grid-stride loop over the output elements (one thread each).
// p is a plane of float32 NCHW (pad2d_f32), or a channel of 16-bit NHWC images (pad2d_nhwc_*, whose loop runs over
// channels fastest, so reads and writes are coalesced).
#include "storage.cuh"

__device__ __forceinline__ int source_index(int i, int size, int mode) {
    if (i >= 0 && i < size) return i;
    switch (mode) {
        case 1: return i < 0 ? -i : 2 * (size - 1) - i;          // reflect: mirror without repeating the edge
        case 2: return i < 0 ? 0 : size - 1;                     // replicate: repeat the edge
        case 3: return ((i % size) + size) % size;               // circular: wrap around
        default: return -1;                                      // zeros
    }
}

extern "C" __global__ void pad2d_f32(const float* __restrict__ in, float* __restrict__ out, long long planes,
                                     int inH, int inW, int outH, int outW, int top, int left, int mode) {
    long long total = planes * outH * outW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        int w = (int)(i % outW);
        int h = (int)((i / outW) % outH);
        long long p = i / ((long long)outW * outH);
        int sh = source_index(h - top, inH, mode);
        int sw = source_index(w - left, inW, mode);
        out[i] = (sh < 0 || sw < 0) ? 0.f : in[(p * inH + sh) * inW + sw];
    }
}

template <typename T>
__device__ void pad2d_nhwc(const T* __restrict__ in, T* __restrict__ out, long long images, int channels, int inH, int inW,
                           int outH, int outW, int top, int left, int mode) {
    long long total = images * outH * outW * channels;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        int c = (int)(i % channels);
        long long pixel = i / channels;
        int w = (int)(pixel % outW);
        int h = (int)((pixel / outW) % outH);
        long long n = pixel / ((long long)outW * outH);
        int sh = source_index(h - top, inH, mode);
        int sw = source_index(w - left, inW, mode);
        out[i] = (sh < 0 || sw < 0) ? from_float<T>(0.f) : in[((n * inH + sh) * inW + sw) * channels + c];
    }
}

extern "C" __global__ void pad2d_nhwc_f16(const __half* in, __half* out, long long images, int channels, int inH, int inW,
                                          int outH, int outW, int top, int left, int mode) {
    pad2d_nhwc(in, out, images, channels, inH, inW, outH, outW, top, left, mode);
}

extern "C" __global__ void pad2d_nhwc_bf16(const __nv_bfloat16* in, __nv_bfloat16* out, long long images, int channels,
                                           int inH, int inW, int outH, int outW, int top, int left, int mode) {
    pad2d_nhwc(in, out, images, channels, inH, inW, outH, outW, top, left, mode);
}
