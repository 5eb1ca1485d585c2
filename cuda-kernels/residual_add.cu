// out[i] = a[i] + b[i], then out[i] = max(out[i], 0) when relu != 0 (NaN propagates), for 0 <= i < n.
// Launch: 1-D, 256 threads per block, grid-stride loop over n (any grid size; the host caps it at 32 blocks per SM).
// 16-byte loads (4 floats or 8 16-bit values) where all three pointers are 16-byte aligned, a scalar tail otherwise.
// 16-bit values are added in float and rounded once, which is the correctly rounded 16-bit sum.
#include <stdint.h>
#include "storage.cuh"

template <typename T>
__device__ __forceinline__ T add_relu(T x, T y, int relu) {
    float r = to_float(x) + to_float(y);
    return from_float<T>(relu && r < 0.f ? 0.f : r);
}

template <typename T>
__device__ void residual_add(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out, long long n, int relu) {
    constexpr int per_load = 16 / sizeof(T);
    long long stride = (long long)gridDim.x * blockDim.x;
    long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long vectorized = 0;
    if ((((uintptr_t)a | (uintptr_t)b | (uintptr_t)out) & 15) == 0) {
        vectorized = n / per_load;
        for (long long i = first; i < vectorized; i += stride) {
            uint4 x = reinterpret_cast<const uint4*>(a)[i];
            uint4 y = reinterpret_cast<const uint4*>(b)[i];
            uint4 r;
            const T* xs = reinterpret_cast<const T*>(&x);
            const T* ys = reinterpret_cast<const T*>(&y);
            T* rs = reinterpret_cast<T*>(&r);
#pragma unroll
            for (int k = 0; k < per_load; k++) {
                rs[k] = add_relu(xs[k], ys[k], relu);
            }
            reinterpret_cast<uint4*>(out)[i] = r;
        }
        vectorized *= per_load;
    }
    for (long long i = vectorized + first; i < n; i += stride) {
        out[i] = add_relu(a[i], b[i], relu);
    }
}

extern "C" __global__ void residual_add_f32(const float* a, const float* b, float* out, long long n, int relu) {
    residual_add(a, b, out, n, relu);
}

extern "C" __global__ void residual_add_f16(const __half* a, const __half* b, __half* out, long long n, int relu) {
    residual_add(a, b, out, n, relu);
}

extern "C" __global__ void residual_add_bf16(const __nv_bfloat16* a, const __nv_bfloat16* b, __nv_bfloat16* out, long long n,
                                             int relu) {
    residual_add(a, b, out, n, relu);
}
