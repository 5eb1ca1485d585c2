package dev.jresnet.testing;

import dev.jresnet.tensor.Metrics;
import dev.jresnet.tensor.Tensor;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fp32 promise in one place: our logits are within 1e-5 relative L2 of the reference's (torchvision, or the
 * CPU path where the reference is itself held to torchvision). The figure is printed so test logs record it.
 */
public final class Parity {
    public static final double TOLERANCE = 1e-5;

    private Parity() {
    }

    public static void assertWithin(String label, Tensor actual, Tensor expected) {
        assertEquals(expected.shapeString(), actual.shapeString(), label + ": shape");
        double error = Metrics.relativeL2(actual.data(), expected.data());
        System.out.printf(Locale.ROOT, "parity %-50s relative L2 %.3e%n", label, error);
        assertTrue(error <= TOLERANCE, () -> label + ": relative L2 error " + error + " exceeds " + TOLERANCE);
    }
}
