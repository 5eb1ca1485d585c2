package dev.jresnet.gpu.sim.ptx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The PTX files the jar ships (native/ptx on the class path), read and parsed once per test run. */
final class ShippedPtx {
    static final String[] FILES = {"residual_add", "relu", "pad2d", "pool2d", "channel_pad", "normalize_u8", "convert"};

    private static final Map<String, PtxModule> MODULES = new ConcurrentHashMap<>();

    private ShippedPtx() {
    }

    static String text(String file) {
        try (InputStream in = ShippedPtx.class.getResourceAsStream("/native/ptx/" + file + ".ptx")) {
            if (in == null) {
                throw new IllegalStateException("native/ptx/" + file + ".ptx is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PtxKernel kernel(String file, String kernel) {
        PtxKernel k = MODULES.computeIfAbsent(file, f -> PtxModule.parse(text(f))).kernels().get(kernel);
        if (k == null) {
            throw new IllegalStateException(kernel + " is not in " + file + ".ptx");
        }
        return k;
    }
}
