package dev.jresnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jresnet.model.Graph;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.model.Shape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Any text either parses to a model whose graph builds, or fails with IOException (not JSON) or
 * IllegalArgumentException (an option named): nothing else, and no hang building the graph.
 */
class ModelDescriptionFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsesOrRejectsCleanly(byte[] data) {
        try {
            Graph graph = ModelDescription.parse(new String(data, StandardCharsets.UTF_8), "fuzz.json").graph();
            if (graph.parameterCount() < 50_000_000L) {
                graph.shapes(new Shape(graph.inputChannels(), 64, 64));
            }
        } catch (IOException | IllegalArgumentException expected) {
            // refused with a message naming the option
        }
    }
}
