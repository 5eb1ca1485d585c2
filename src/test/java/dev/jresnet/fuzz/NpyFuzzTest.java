package dev.jresnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.NpyFormatException;
import dev.jresnet.tensor.Tensor;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Any bytes either read as a tensor or fail with NpyFormatException: never another exception or a crash. */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readsOrRejectsCleanly(byte[] data) throws IOException {
        Tensor t;
        try {
            t = Npy.read(FuzzFiles.write(data, ".npy"));
        } catch (NpyFormatException expected) {
            return;
        }
        assertEquals(Tensor.elementCount(t.shape()), t.size());
    }
}
