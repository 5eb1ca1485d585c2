package dev.jresnet.gpu.sim.ptx;

/**
 * A launch refused before any thread ran: the parameters do not match the kernel's .entry (count or byte widths), or
 * the launch shape breaks what the kernel declares. This is how a host passing an int for a long shows up.
 */
public final class PtxLaunchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    PtxLaunchException(String message) {
        super(message);
    }
}
