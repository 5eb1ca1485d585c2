// out[n][c][y][x] = (in[n][y][x][c] / 255 - mean[c]) / std[c]: 8-bit RGB images, interleaved (N, H, W, 3), to
// normalized float32 (N, 3, H, W), each step rounded as float32 (torchvision's ToTensor then Normalize).
// Launch: 1-D, 256 threads per block, grid-stride loop over the N*3*H*W outputs (writes coalesced, reads strided by 3).
#include <stdint.h>

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
        float mean = c == 0 ? mean0 : c == 1 ? mean1 : mean2;
        float std = c == 0 ? std0 : c == 1 ? std1 : std2;
        // IEEE-rounded divisions (no fast math), so the result is torchvision's to the bit.
        float v = __fdiv_rn((float)in[(n * plane + pixel) * 3 + c], 255.0f);
        out[i] = __fdiv_rn(__fsub_rn(v, mean), std);
    }
}
