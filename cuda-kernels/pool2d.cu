// max:  out[p, oh, ow] = max over kh, kw < k of in[p, oh*s - pad + kh*d, ow*s - pad + kw*d] (inside the input; NaN wins).
// avg:  out[p, oh, ow] = sum over the window clipped to the input / (window clipped to input + pad, or to the input alone).
// Launch: 1-D, 256 threads per block, grid-stride loop over the output elements (one thread each).
// The host computes outH/outW with PyTorch's floor/ceil rule; these kernels only evaluate the windows. p is a plane of
// float32 NCHW (*_f32), or a channel of 16-bit NHWC images (*_nhwc_*: channels fastest, so accesses are coalesced;
// the window is evaluated in float and the result rounded once).
#include "storage.cuh"

extern "C" __global__ void max_pool2d_f32(const float* __restrict__ in, float* __restrict__ out, long long planes,
                                          int inH, int inW, int outH, int outW, int k, int s, int pad, int d) {
    long long total = planes * outH * outW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        int ow = (int)(i % outW);
        int oh = (int)((i / outW) % outH);
        const float* plane = in + (i / ((long long)outW * outH)) * inH * inW;
        float m = -__int_as_float(0x7f800000);
        for (int kh = 0; kh < k; kh++) {
            int ih = oh * s - pad + kh * d;
            if (ih < 0 || ih >= inH) continue;
            for (int kw = 0; kw < k; kw++) {
                int iw = ow * s - pad + kw * d;
                if (iw < 0 || iw >= inW) continue;
                float v = plane[ih * inW + iw];
                if (v > m || v != v) m = v;
            }
        }
        out[i] = m;
    }
}

extern "C" __global__ void avg_pool2d_f32(const float* __restrict__ in, float* __restrict__ out, long long planes,
                                          int inH, int inW, int outH, int outW, int k, int s, int pad,
                                          int count_include_pad) {
    long long total = planes * outH * outW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        int ow = (int)(i % outW);
        int oh = (int)((i / outW) % outH);
        const float* plane = in + (i / ((long long)outW * outH)) * inH * inW;
        int h0 = oh * s - pad, w0 = ow * s - pad;
        int h1 = min(h0 + k, inH + pad), w1 = min(w0 + k, inW + pad);
        int padded = (h1 - h0) * (w1 - w0);
        h0 = max(h0, 0); w0 = max(w0, 0); h1 = min(h1, inH); w1 = min(w1, inW);
        float sum = 0.f;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
                sum += plane[h * inW + w];
        out[i] = sum / (float)(count_include_pad ? padded : (h1 - h0) * (w1 - w0));
    }
}

/** The output element i of NHWC images, and where its window starts in its image: the shared index math of both pools. */
struct NhwcWindow {
    int c, oh, ow;
    long long image;

    __device__ NhwcWindow(long long i, int channels, int outH, int outW) {
        c = (int)(i % channels);
        long long pixel = i / channels;
        ow = (int)(pixel % outW);
        oh = (int)((pixel / outW) % outH);
        image = pixel / ((long long)outW * outH);
    }
};

template <typename T>
__device__ void max_pool2d_nhwc(const T* __restrict__ in, T* __restrict__ out, long long images, int channels, int inH,
                                int inW, int outH, int outW, int k, int s, int pad, int d) {
    long long total = images * outH * outW * channels;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        NhwcWindow o(i, channels, outH, outW);
        const T* image = in + o.image * inH * inW * channels;
        float m = -__int_as_float(0x7f800000);
        for (int kh = 0; kh < k; kh++) {
            int ih = o.oh * s - pad + kh * d;
            if (ih < 0 || ih >= inH) continue;
            for (int kw = 0; kw < k; kw++) {
                int iw = o.ow * s - pad + kw * d;
                if (iw < 0 || iw >= inW) continue;
                float v = to_float(image[((long long)ih * inW + iw) * channels + o.c]);
                if (v > m || v != v) m = v;
            }
        }
        out[i] = from_float<T>(m);
    }
}

template <typename T>
__device__ void avg_pool2d_nhwc(const T* __restrict__ in, T* __restrict__ out, long long images, int channels, int inH,
                                int inW, int outH, int outW, int k, int s, int pad, int count_include_pad) {
    long long total = images * outH * outW * channels;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        NhwcWindow o(i, channels, outH, outW);
        const T* image = in + o.image * inH * inW * channels;
        int h0 = o.oh * s - pad, w0 = o.ow * s - pad;
        int h1 = min(h0 + k, inH + pad), w1 = min(w0 + k, inW + pad);
        int padded = (h1 - h0) * (w1 - w0);
        h0 = max(h0, 0); w0 = max(w0, 0); h1 = min(h1, inH); w1 = min(w1, inW);
        float sum = 0.f;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
                sum += to_float(image[((long long)h * inW + w) * channels + o.c]);
        out[i] = from_float<T>(sum / (float)(count_include_pad ? padded : (h1 - h0) * (w1 - w0)));
    }
}

extern "C" __global__ void max_pool2d_nhwc_f16(const __half* in, __half* out, long long images, int channels, int inH,
                                               int inW, int outH, int outW, int k, int s, int pad, int d) {
    max_pool2d_nhwc(in, out, images, channels, inH, inW, outH, outW, k, s, pad, d);
}

extern "C" __global__ void max_pool2d_nhwc_bf16(const __nv_bfloat16* in, __nv_bfloat16* out, long long images, int channels,
                                                int inH, int inW, int outH, int outW, int k, int s, int pad, int d) {
    max_pool2d_nhwc(in, out, images, channels, inH, inW, outH, outW, k, s, pad, d);
}

extern "C" __global__ void avg_pool2d_nhwc_f16(const __half* in, __half* out, long long images, int channels, int inH,
                                               int inW, int outH, int outW, int k, int s, int pad, int count_include_pad) {
    avg_pool2d_nhwc(in, out, images, channels, inH, inW, outH, outW, k, s, pad, count_include_pad);
}

extern "C" __global__ void avg_pool2d_nhwc_bf16(const __nv_bfloat16* in, __nv_bfloat16* out, long long images, int channels,
                                                int inH, int inW, int outH, int outW, int k, int s, int pad,
                                                int count_include_pad) {
    avg_pool2d_nhwc(in, out, images, channels, inH, inW, outH, outW, k, s, pad, count_include_pad);
}
