// out[n, c, h, w] = in[n, c - before, h*s, w*s] for before <= c < before + inC, else 0 (the ResNet paper's option A shortcut).
// Launch: 1-D, 256 threads per block, grid-stride loop over n * outC * outH * outW output elements (one thread each).
// channel_pad_f32 indexes float32 NCHW; channel_pad_nhwc_* the same math over 16-bit NHWC, channels fastest.
#include "storage.cuh"

extern "C" __global__ void channel_pad_f32(const float* __restrict__ in, float* __restrict__ out, int batch, int inC,
                                           int inH, int inW, int outC, int outH, int outW, int s, int before) {
    long long total = (long long)batch * outC * outH * outW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        int w = (int)(i % outW);
        int h = (int)((i / outW) % outH);
        int c = (int)((i / ((long long)outW * outH)) % outC) - before;
        long long n = i / ((long long)outW * outH * outC);
        out[i] = (c < 0 || c >= inC) ? 0.f : in[((n * inC + c) * inH + (long long)h * s) * inW + (long long)w * s];
    }
}

template <typename T>
__device__ void channel_pad_nhwc(const T* __restrict__ in, T* __restrict__ out, int batch, int inC, int inH, int inW,
                                 int outC, int outH, int outW, int s, int before) {
    long long total = (long long)batch * outC * outH * outW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        int c = (int)(i % outC) - before;
        long long pixel = i / outC;
        int w = (int)(pixel % outW);
        int h = (int)((pixel / outW) % outH);
        long long n = pixel / ((long long)outW * outH);
        out[i] = (c < 0 || c >= inC) ? from_float<T>(0.f)
                                     : in[((n * inH + (long long)h * s) * inW + (long long)w * s) * inC + c];
    }
}

extern "C" __global__ void channel_pad_nhwc_f16(const __half* in, __half* out, int batch, int inC, int inH, int inW, int outC,
                                                int outH, int outW, int s, int before) {
    channel_pad_nhwc(in, out, batch, inC, inH, inW, outC, outH, outW, s, before);
}

extern "C" __global__ void channel_pad_nhwc_bf16(const __nv_bfloat16* in, __nv_bfloat16* out, int batch, int inC, int inH,
                                                 int inW, int outC, int outH, int outW, int s, int before) {
    channel_pad_nhwc(in, out, batch, inC, inH, inW, outC, outH, outW, s, before);
}
