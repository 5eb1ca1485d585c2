package dev.jresnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jresnet.weights.TensorData;
import dev.jresnet.weights.WeightsFormatException;
import dev.jresnet.weights.pth.PthReader;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any bytes either read as a state_dict or fail with WeightsFormatException: no other exception, no crash, no hang,
 * and never more memory than the limits allow. Seeds: a zip and a legacy .pth written by torch (src/test/resources).
 */
class PthFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readsOrRejectsCleanly(byte[] data) throws IOException {
        try {
            for (TensorData t : PthReader.read(FuzzFiles.write(data, ".pth")).entries().values()) {
                assertEquals(t.elements() * t.dtype().bytes(), t.bytes().length);
            }
        } catch (WeightsFormatException expected) {
            // refused with a message: what hostile input must get
        }
    }
}
