package dev.jresnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jresnet.weights.SafetensorsReader;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.TensorData;
import dev.jresnet.weights.WeightsFormatException;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Any bytes either read as a valid state_dict or fail with WeightsFormatException: never another exception or a crash. */
class SafetensorsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readsOrRejectsCleanly(byte[] data) throws IOException {
        StateDict dict;
        try {
            dict = SafetensorsReader.read(FuzzFiles.write(data, ".safetensors"));
        } catch (WeightsFormatException expected) {
            return;
        }
        long bytes = 0;
        for (TensorData t : dict.entries().values()) {
            assertEquals(t.elements() * t.dtype().bytes(), t.bytes().length);
            bytes += t.bytes().length;
        }
        // The reader demands that tensors tile the data exactly, so nothing it returns can exceed the file.
        assertEquals(true, bytes <= data.length);
    }
}
