package dev.jresnet.testing;

import dev.jresnet.gpu.Gpu;
import dev.jresnet.gpu.sim.SimulatedGpu;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Method;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GPU the GPU tests run on. By default (and in CI) a {@link SimulatedGpu}, installed fresh for each test and
 * checked for leaks after it: anything a test leaves allocated or created fails it. With JRESNET_GPU=real (set by
 * scripts/gpu-check.sh on a GPU machine) the same tests run on the machine's GPU instead, and fail if there is none.
 * Tests that need the simulator itself (fault injection, driver versions) take a {@link SimulatedGpu} parameter; on a
 * real GPU they are skipped. Test names end with the device that ran them ({@link Names}).
 */
public final class GpuUnderTest implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GpuUnderTest.class);

    /** True when the tests run on the machine's GPU (JRESNET_GPU=real). */
    public static boolean real() {
        return "real".equals(System.getenv("JRESNET_GPU"));
    }

    /** "simulated GPU", or the real GPU's name. */
    public static String deviceName() {
        if (!real()) {
            return "simulated GPU";
        }
        Gpu.Status status = Gpu.probe();
        return status.info().map(i -> i.name()).orElse("no GPU: " + status.reason());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (real()) {
            Gpu.Status status = Gpu.probe();
            assertTrue(status.available(), () -> "JRESNET_GPU=real, but " + status.reason());
            return;
        }
        context.getStore(NAMESPACE).put(SimulatedGpu.class, SimulatedGpu.install(configFor(context)));
    }

    /** A test method may ask for a configuration of its own with {@link Simulated}. */
    private static SimulatedGpu.Config configFor(ExtensionContext context) {
        Simulated annotation = context.getRequiredTestMethod().getAnnotation(Simulated.class);
        if (annotation == null) {
            return SimulatedGpu.Config.standard();
        }
        try {
            Method factory = SimulatedGpu.Config.class.getMethod(annotation.value());
            return (SimulatedGpu.Config) factory.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no SimulatedGpu.Config." + annotation.value() + "()", e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SimulatedGpu sim = context.getStore(NAMESPACE).remove(SimulatedGpu.class, SimulatedGpu.class);
        if (sim != null) {
            try {
                List<String> leaks = sim.leaks();
                if (context.getExecutionException().isEmpty()) {
                    assertEquals(List.of(), leaks, "left on the simulated GPU after the test");
                }
            } finally {
                sim.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == SimulatedGpu.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        assumeTrue(!real(), "needs the simulated GPU (fault injection or a simulated configuration)");
        return extension.getStore(NAMESPACE).get(SimulatedGpu.class, SimulatedGpu.class);
    }

    /** Test names that say which device ran them: "... [simulated GPU]" or "... [NVIDIA H200]". */
    public static final class Names extends DisplayNameGenerator.Standard {
        @Override
        public String generateDisplayNameForMethod(Class<?> testClass, Method testMethod) {
            return super.generateDisplayNameForMethod(testClass, testMethod) + " [" + deviceName() + "]";
        }
    }
}
