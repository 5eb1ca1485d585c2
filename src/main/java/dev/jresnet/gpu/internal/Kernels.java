package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/** Typed launches of our kernels (see cuda-kernels/ for what each computes); all on one stream. */
final class Kernels {
    static final String RESIDUAL_ADD = "residual_add_f32";
    static final String RELU = "relu_f32";
    static final String PAD2D = "pad2d_f32";
    static final String MAX_POOL = "max_pool2d_f32";
    static final String AVG_POOL = "avg_pool2d_f32";
    static final String CHANNEL_PAD = "channel_pad_f32";
    static final String NORMALIZE_U8 = "normalize_u8_hwc_to_nchw_f32";
    private static final int BLOCK = 256;

    private final CudaApi cuda;
    private final KernelModule module;
    private final CUstream stream;
    private final int maxBlocks;

    Kernels(CudaApi cuda, KernelModule module, CUstream stream, int multiprocessors) {
        this.cuda = cuda;
        this.module = module;
        this.stream = stream;
        // Enough blocks to fill every SM several times over; the kernels' grid-stride loops cover the rest.
        this.maxBlocks = Math.max(1, multiprocessors) * 32;
    }

    /**
     * Loads a kernel's module now: steps call it when they are built, so that a driver or GPU that cannot run our
     * kernels fails the network's construction, and no module is loaded inside a CUDA graph capture.
     */
    void load(String kernel) {
        module.function(kernel);
    }

    void residualAdd(Pointer a, Pointer b, Pointer out, long n, boolean relu) {
        launch(RESIDUAL_ADD, n, Pointer.to(Pointer.to(a), Pointer.to(b), Pointer.to(out), Pointer.to(new long[]{n}),
                Pointer.to(new int[]{relu ? 1 : 0})), () -> "n=" + n);
    }

    void relu(Pointer x, Pointer out, long n) {
        launch(RELU, n, Pointer.to(Pointer.to(x), Pointer.to(out), Pointer.to(new long[]{n})), () -> "n=" + n);
    }

    void pad2d(Pointer in, Pointer out, long planes, int inH, int inW, int outH, int outW, int top, int left, int mode) {
        launch(PAD2D, planes * outH * outW, Pointer.to(Pointer.to(in), Pointer.to(out), Pointer.to(new long[]{planes}),
                ints(inH), ints(inW), ints(outH), ints(outW), ints(top), ints(left), ints(mode)),
                () -> planes + " planes " + inH + "x" + inW + " -> " + outH + "x" + outW);
    }

    void maxPool2d(Pointer in, Pointer out, long planes, int inH, int inW, int outH, int outW, int k, int s, int pad, int d) {
        launch(MAX_POOL, planes * outH * outW, Pointer.to(Pointer.to(in), Pointer.to(out),
                Pointer.to(new long[]{planes}), ints(inH), ints(inW), ints(outH), ints(outW), ints(k), ints(s), ints(pad), ints(d)),
                () -> planes + " planes " + inH + "x" + inW + " -> " + outH + "x" + outW);
    }

    void avgPool2d(Pointer in, Pointer out, long planes, int inH, int inW, int outH, int outW, int k, int s, int pad,
                   boolean countIncludePad) {
        launch(AVG_POOL, planes * outH * outW, Pointer.to(Pointer.to(in), Pointer.to(out),
                Pointer.to(new long[]{planes}), ints(inH), ints(inW), ints(outH), ints(outW), ints(k), ints(s), ints(pad),
                ints(countIncludePad ? 1 : 0)), () -> planes + " planes " + inH + "x" + inW + " -> " + outH + "x" + outW);
    }

    void channelPad(Pointer in, Pointer out, int batch, int inC, int inH, int inW, int outC, int outH, int outW, int s,
                    int before) {
        launch(CHANNEL_PAD, (long) batch * outC * outH * outW, Pointer.to(Pointer.to(in), Pointer.to(out), ints(batch),
                ints(inC), ints(inH), ints(inW), ints(outC), ints(outH), ints(outW), ints(s), ints(before)),
                () -> batch + "x" + inC + "x" + inH + "x" + inW + " -> " + outC + " channels");
    }

    /** 8-bit (N, H, W, 3) RGB to normalized float32 (N, 3, H, W); see Preprocessing.normalize for the CPU's. */
    void normalizeU8(Pointer in, Pointer out, long images, int height, int width, float[] mean, float[] std) {
        launch(NORMALIZE_U8, images * 3 * height * width, Pointer.to(Pointer.to(in), Pointer.to(out),
                Pointer.to(new long[]{images}), ints(height), ints(width), floats(mean[0]), floats(mean[1]), floats(mean[2]),
                floats(std[0]), floats(std[1]), floats(std[2])), () -> images + " images " + height + "x" + width);
    }

    private static Pointer floats(float v) {
        return Pointer.to(new float[]{v});
    }

    private static Pointer ints(int v) {
        return Pointer.to(new int[]{v});
    }

    private void launch(String kernel, long work, Pointer params, java.util.function.Supplier<String> context) {
        if (work == 0) {
            return;
        }
        CUfunction f = module.function(kernel);
        int blocks = (int) Math.min((work + BLOCK - 1) / BLOCK, maxBlocks);
        Cuda.driver(cuda.cuLaunchKernel(f, blocks, 1, 1, BLOCK, 1, 1, 0, stream, params, null), "cuLaunchKernel(" + kernel + ")",
                context);
    }
}
