package dev.jresnet.gpu.sim.ptx;

/** A fault the interpreter itself detects (misaligned access, division by zero, trap); the launch adds where. */
final class Fault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fault(String message) {
        // No stack trace: the useful location is the PTX one, which the launch reports.
        super(message, null, false, false);
    }
}
