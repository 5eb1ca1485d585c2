// out[n, c, h, w] = in[n, c - before, h*s, w*s] for before <= c < before + inC, else 0 (the ResNet paper's option A shortcut).
// Launch: 1-D, 256 threads per block, grid-stride loop over n * outC * outH * outW output elements (one thread each).

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
