package dev.jresnet.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@link GpuUnderTest} test on a simulated machine other than the standard one: the name of a static factory
 * of {@link dev.jresnet.gpu.sim.SimulatedGpu.Config}, e.g. {@code @Simulated("cuda12Turing")}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Simulated {
    String value();
}
