// out[i] = max(x[i], 0) for 0 <= i < n, NaN kept (PyTorch's ReLU); out may equal x (in place).
// Launch: 1-D, 256 threads per block, grid-stride loop over n; float4 / half2 where x and out are aligned.
#include <cuda_fp16.h>
#include <stdint.h>

__device__ __forceinline__ float relu1(float v) { return v < 0.f ? 0.f : v; }
__device__ __forceinline__ __half relu1h(__half v) { return __hlt(v, __float2half(0.f)) ? __float2half(0.f) : v; }

extern "C" __global__ void relu_f32(const float* x, float* out, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long vectorized = 0;
    if ((((uintptr_t)x | (uintptr_t)out) & 15) == 0) {
        vectorized = n / 4;
        const float4* x4 = reinterpret_cast<const float4*>(x);
        float4* o4 = reinterpret_cast<float4*>(out);
        for (long long i = first; i < vectorized; i += stride) {
            float4 v = x4[i];
            o4[i] = make_float4(relu1(v.x), relu1(v.y), relu1(v.z), relu1(v.w));
        }
        vectorized *= 4;
    }
    for (long long i = vectorized + first; i < n; i += stride) {
        out[i] = relu1(x[i]);
    }
}

extern "C" __global__ void relu_f16(const __half* x, __half* out, long long n) {
    long long stride = (long long)gridDim.x * blockDim.x;
    long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long vectorized = 0;
    if ((((uintptr_t)x | (uintptr_t)out) & 3) == 0) {
        vectorized = n / 2;
        const __half2* x2 = reinterpret_cast<const __half2*>(x);
        __half2* o2 = reinterpret_cast<__half2*>(out);
        for (long long i = first; i < vectorized; i += stride) {
            __half2 v = x2[i];
            o2[i] = __halves2half2(relu1h(__low2half(v)), relu1h(__high2half(v)));
        }
        vectorized *= 2;
    }
    for (long long i = vectorized + first; i < n; i += stride) {
        out[i] = relu1h(x[i]);
    }
}
