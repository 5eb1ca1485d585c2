package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

import java.util.function.Supplier;

/**
 * Typed launches of our kernels (cuda-kernels/ says what each computes) in the network's storage: the float32 NCHW
 * kernels for fp32 and tf32, the 16-bit NHWC ones for fp16 and bf16 ({@link DevicePrecision}); all on the network's
 * compute stream.
 */
final class Kernels {
    /** The kernels a step may need; {@link #name} gives the one for the network's storage. */
    enum Kernel {
        RESIDUAL_ADD, PAD2D, MAX_POOL, AVG_POOL, CHANNEL_PAD, NORMALIZE_U8,
        /** float32 NCHW batches into a 16-bit network's NHWC input. */
        NARROW_INPUT,
        /** A 16-bit network's output (its pooled features) back to float32. */
        WIDEN_OUTPUT
    }

    private static final int BLOCK = 256;

    private final CudaApi cuda;
    private final KernelModule module;
    private final CUstream stream;
    private final DevicePrecision precision;
    private final int maxBlocks;

    Kernels(CudaApi cuda, KernelModule module, CUstream stream, DevicePrecision precision, int multiprocessors) {
        this.cuda = cuda;
        this.module = module;
        this.stream = stream;
        this.precision = precision;
        // Enough blocks to fill every SM several times over; the kernels' grid-stride loops cover the rest.
        this.maxBlocks = Math.max(1, multiprocessors) * 32;
    }

    /** The kernel's name in the PTX for a network's storage. */
    static String name(Kernel k, DevicePrecision p) {
        String t = p.kernelSuffix;
        boolean nhwc = p.channelsLast();
        if (!nhwc && (k == Kernel.NARROW_INPUT || k == Kernel.WIDEN_OUTPUT)) {
            throw new IllegalStateException(k + " converts to or from 16-bit storage; " + p.precision.label() + " stores float32");
        }
        return switch (k) {
            case RESIDUAL_ADD -> "residual_add_" + t;
            case PAD2D -> nhwc ? "pad2d_nhwc_" + t : "pad2d_f32";
            case MAX_POOL -> nhwc ? "max_pool2d_nhwc_" + t : "max_pool2d_f32";
            case AVG_POOL -> nhwc ? "avg_pool2d_nhwc_" + t : "avg_pool2d_f32";
            case CHANNEL_PAD -> nhwc ? "channel_pad_nhwc_" + t : "channel_pad_f32";
            case NORMALIZE_U8 -> nhwc ? "normalize_u8_hwc_to_nhwc_" + t : "normalize_u8_hwc_to_nchw_f32";
            case NARROW_INPUT -> "nchw_f32_to_nhwc_" + t;
            case WIDEN_OUTPUT -> t + "_to_f32";
        };
    }

    /**
     * Loads a kernel's module now: steps call it when they are built, so that a driver or GPU that cannot run our
     * kernels fails the network's construction, and no module is loaded inside a CUDA graph capture.
     */
    void load(Kernel k) {
        module.function(name(k, precision));
    }

    void residualAdd(Pointer a, Pointer b, Pointer out, long n, boolean relu) {
        launch(Kernel.RESIDUAL_ADD, n, Pointer.to(Pointer.to(a), Pointer.to(b), Pointer.to(out), longs(n), ints(relu ? 1 : 0)),
                () -> "n=" + n);
    }

    /** The NCHW kernels take images x channels planes; the NHWC ones images, then channels. */
    private Pointer[] imagesAndChannels(long images, int channels) {
        return precision.channelsLast() ? new Pointer[]{longs(images), ints(channels)} : new Pointer[]{longs(images * channels)};
    }

    void pad2d(Pointer in, Pointer out, long images, int channels, int inH, int inW, int outH, int outW, int top, int left,
               int mode) {
        launch(Kernel.PAD2D, images * channels * outH * outW, params(new Pointer[]{Pointer.to(in), Pointer.to(out)},
                imagesAndChannels(images, channels), new Pointer[]{ints(inH), ints(inW), ints(outH), ints(outW), ints(top),
                        ints(left), ints(mode)}),
                () -> images + "x" + channels + " planes " + inH + "x" + inW + " -> " + outH + "x" + outW);
    }

    void maxPool2d(Pointer in, Pointer out, long images, int channels, int inH, int inW, int outH, int outW, int k, int s,
                   int pad, int d) {
        launch(Kernel.MAX_POOL, images * channels * outH * outW, params(new Pointer[]{Pointer.to(in), Pointer.to(out)},
                imagesAndChannels(images, channels), new Pointer[]{ints(inH), ints(inW), ints(outH), ints(outW), ints(k),
                        ints(s), ints(pad), ints(d)}),
                () -> images + "x" + channels + " planes " + inH + "x" + inW + " -> " + outH + "x" + outW);
    }

    void avgPool2d(Pointer in, Pointer out, long images, int channels, int inH, int inW, int outH, int outW, int k, int s,
                   int pad, boolean countIncludePad) {
        launch(Kernel.AVG_POOL, images * channels * outH * outW, params(new Pointer[]{Pointer.to(in), Pointer.to(out)},
                imagesAndChannels(images, channels), new Pointer[]{ints(inH), ints(inW), ints(outH), ints(outW), ints(k),
                        ints(s), ints(pad), ints(countIncludePad ? 1 : 0)}),
                () -> images + "x" + channels + " planes " + inH + "x" + inW + " -> " + outH + "x" + outW);
    }

    void channelPad(Pointer in, Pointer out, int batch, int inC, int inH, int inW, int outC, int outH, int outW, int s,
                    int before) {
        launch(Kernel.CHANNEL_PAD, (long) batch * outC * outH * outW, Pointer.to(Pointer.to(in), Pointer.to(out), ints(batch),
                ints(inC), ints(inH), ints(inW), ints(outC), ints(outH), ints(outW), ints(s), ints(before)),
                () -> batch + "x" + inC + "x" + inH + "x" + inW + " -> " + outC + " channels");
    }

    /** 8-bit (N, H, W, 3) RGB to the network's normalized input; see Preprocessing.normalize for the CPU's. */
    void normalizeU8(Pointer in, Pointer out, long images, int height, int width, float[] mean, float[] std) {
        launch(Kernel.NORMALIZE_U8, images * 3 * height * width, Pointer.to(Pointer.to(in), Pointer.to(out), longs(images),
                ints(height), ints(width), floats(mean[0]), floats(mean[1]), floats(mean[2]), floats(std[0]), floats(std[1]),
                floats(std[2])), () -> images + " images " + height + "x" + width);
    }

    /** float32 (N, C, H, W) to the 16-bit network's (N, H, W, C) input. */
    void narrowInput(Pointer in, Pointer out, long images, int channels, int height, int width) {
        launch(Kernel.NARROW_INPUT, images * channels * height * width, Pointer.to(Pointer.to(in), Pointer.to(out),
                longs(images), ints(channels), ints(height), ints(width)), () -> images + "x" + channels + "x" + height + "x" + width);
    }

    /** {@code count} 16-bit values to float32. */
    void widenOutput(Pointer in, Pointer out, long count) {
        launch(Kernel.WIDEN_OUTPUT, count, Pointer.to(Pointer.to(in), Pointer.to(out), longs(count)), () -> count + " values");
    }

    private static Pointer params(Pointer[]... groups) {
        int n = 0;
        for (Pointer[] g : groups) {
            n += g.length;
        }
        Pointer[] all = new Pointer[n];
        int at = 0;
        for (Pointer[] g : groups) {
            System.arraycopy(g, 0, all, at, g.length);
            at += g.length;
        }
        return Pointer.to(all);
    }

    private static Pointer floats(float v) {
        return Pointer.to(new float[]{v});
    }

    private static Pointer ints(int v) {
        return Pointer.to(new int[]{v});
    }

    private static Pointer longs(long v) {
        return Pointer.to(new long[]{v});
    }

    private void launch(Kernel kernel, long work, Pointer params, Supplier<String> context) {
        if (work == 0) {
            return;
        }
        String name = name(kernel, precision);
        CUfunction f = module.function(name);
        int blocks = (int) Math.min((work + BLOCK - 1) / BLOCK, maxBlocks);
        Cuda.driver(cuda.cuLaunchKernel(f, blocks, 1, 1, BLOCK, 1, 1, 0, stream, params, null), "cuLaunchKernel(" + name + ")",
                context);
    }
}
