package dev.jresnet.bench;

import dev.jresnet.InvalidOptionException;
import dev.jresnet.cpu.CpuOptions;
import dev.jresnet.plan.Precision;
import dev.jresnet.plan.Schedule;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backend names are the words of --schedule, --precision and the CPU's kernels, in any order after the device. */
class BackendNameTest {
    @Test
    void namesUseTheSameWordsAsTheOptionsAndDefaultTheRest() {
        assertEquals(new BackendName(false, CpuOptions.Kernels.FAST, Schedule.FUSED, Precision.FP32, false, true),
                BackendName.parse("cpu-fast"));
        assertEquals(new BackendName(false, CpuOptions.Kernels.PLAIN, Schedule.FUSED, Precision.FP32, false, true),
                BackendName.parse("cpu-plain"));
        assertEquals(new BackendName(false, CpuOptions.Kernels.FAST, Schedule.REFERENCE, Precision.BF16, false, true),
                BackendName.parse("cpu-bf16-reference"));
        assertEquals(new BackendName(true, CpuOptions.Kernels.FAST, Schedule.FUSED, Precision.FP32, false, true),
                BackendName.parse("gpu"));
        assertEquals(new BackendName(true, CpuOptions.Kernels.FAST, Schedule.REFERENCE, Precision.TF32, false, false),
                BackendName.parse("gpu-reference-tf32-nographs"));
        assertEquals(BackendName.parse("gpu-fp16-u8"), BackendName.parse("gpu-fused-fp16-u8"));
    }

    @Test
    void aWordOutOfPlaceIsNamed() {
        InvalidOptionException kernels = assertThrows(InvalidOptionException.class, () -> BackendName.parse("gpu-plain"));
        assertEquals("backend gpu-plain: 'plain' is not one of reference, fused, fp32, tf32, fp16, bf16, u8, nographs, "
                + "or is named twice", kernels.getMessage());
        InvalidOptionException twice = assertThrows(InvalidOptionException.class, () -> BackendName.parse("cpu-fp16-bf16"));
        assertTrue(twice.getMessage().startsWith("backend cpu-fp16-bf16: 'bf16' is not one of reference, fused, fp32, "
                + "tf32, fp16, bf16, plain, fast"), twice.getMessage());
        assertThrows(InvalidOptionException.class, () -> BackendName.parse("cpu-u8"));
        assertThrows(InvalidOptionException.class, () -> BackendName.parse("tpu-fused"));
    }

    @Test
    void peersAreNotOurs() {
        OwnBackends own = new OwnBackends();
        assertFalse(own.has("onnxruntime"));
        assertFalse(own.has("torch-fp16-cl-graphs"));
        assertTrue(own.has("cpu-reference"));
        own.names().forEach(BackendName::parse);
    }
}
