package dev.jresnet.gpu.sim;

/**
 * Something a program did that a GPU would punish with corrupted memory, an illegal-address error or undefined
 * behaviour rather than a clean status: reading past an allocation, using freed memory, freeing twice, a kernel
 * launched with parameters that do not match its signature. The simulated device throws it at once, naming the call,
 * the memory and where it was allocated.
 */
public final class SimulatedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedFault(String message) {
        super(message);
    }

    SimulatedFault(String message, Throwable cause) {
        super(message, cause);
    }
}
