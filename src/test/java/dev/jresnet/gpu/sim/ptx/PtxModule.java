package dev.jresnet.gpu.sim.ptx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed and decoded PTX module: its header and its kernels, ready to launch. Parsing decodes every instruction,
 * so anything the interpreter does not implement fails here (PtxSyntaxException), not halfway through a launch.
 */
public final class PtxModule {
    private final int versionMajor;
    private final int versionMinor;
    private final String target;
    private final int addressSize;
    private final Map<String, PtxKernel> kernels;

    private PtxModule(Parser parser, Map<String, PtxKernel> kernels) {
        this.versionMajor = parser.versionMajor;
        this.versionMinor = parser.versionMinor;
        this.target = parser.target;
        this.addressSize = parser.addressSize;
        this.kernels = Collections.unmodifiableMap(kernels);
    }

    /** Parses PTX text as nvcc writes it; a trailing NUL (as cuModuleLoadData wants it) is allowed. */
    public static PtxModule parse(String ptxText) {
        String text = ptxText;
        while (text.endsWith("\0")) {
            text = text.substring(0, text.length() - 1);
        }
        Parser parser = new Parser(text);
        parser.parseModule();
        Map<String, PtxKernel> kernels = new LinkedHashMap<>();
        for (Parser.EntrySource entry : parser.entries) {
            kernels.put(entry.name(), new PtxKernel(entry, new Decoder(entry).decode()));
        }
        return new PtxModule(parser, kernels);
    }

    public int versionMajor() {
        return versionMajor;
    }

    public int versionMinor() {
        return versionMinor;
    }

    /** The .target architecture, e.g. "sm_75". */
    public String target() {
        return target;
    }

    /** The architecture number of .target: 75 for sm_75, 90 for sm_90a. */
    public int targetSm() {
        return Integer.parseInt(target.replaceAll("[^0-9]", ""));
    }

    public int addressSize() {
        return addressSize;
    }

    /** Every .entry, by name, in file order. */
    public Map<String, PtxKernel> kernels() {
        return kernels;
    }
}
