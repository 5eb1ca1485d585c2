package dev.jresnet.spark;

import dev.jresnet.Device;
import dev.jresnet.InvalidOptionException;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device of a task, from the resources Spark assigned it (the map TaskContext.resourcesJMap() gives): the map is
 * made here, as Spark's local mode assigns tasks no resources at all.
 */
class TaskDeviceTest {
    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of("gpu", new ResourceInformation("gpu", addresses));
    }

    @Test
    void eachTaskRunsOnTheGpuSparkAssignedIt() {
        assertEquals(Device.gpu(0), TaskDevice.choose("auto", gpus("0"), null).device());
        TaskDevice second = TaskDevice.choose("auto", gpus("1"), null);
        assertEquals(Device.gpu(1), second.device());
        assertEquals("GPU 1, the GPU address 1 Spark assigned this task", second.reason());
        assertEquals(Device.gpu(3), TaskDevice.choose("gpu", gpus("3"), "").device());
    }

    @Test
    void withoutAGpuResourceTheTaskRunsOnTheCpuAndSaysWhy() {
        TaskDevice none = TaskDevice.choose("auto", Map.of(), null);
        assertEquals(Device.CPU, none.device());
        assertEquals("the CPU, as Spark assigned this task no GPU", none.reason());
        assertEquals(Device.CPU, TaskDevice.choose("auto", gpus(), null).device(), "a GPU resource with no address");
        assertEquals(Device.CPU, TaskDevice.choose("auto", Map.of("fpga", new ResourceInformation("fpga", new String[]{"0"})), null)
                .device());
    }

    @Test
    void theCpuWhenAskedForEvenWithAGpu() {
        TaskDevice cpu = TaskDevice.choose("CPU", gpus("1"), null);
        assertEquals(Device.CPU, cpu.device());
        assertTrue(cpu.reason().contains("as asked"), cpu.reason());
    }

    @Test
    void aTaskGivenSeveralGpusUsesTheFirstAndSaysTheOthersAreUnused() {
        TaskDevice two = TaskDevice.choose("auto", gpus("2", "3"), null);
        assertEquals(Device.gpu(2), two.device());
        assertTrue(two.reason().contains("other GPUs [3] are left unused"), two.reason());
    }

    @Test
    void underCudaVisibleDevicesTheAddressIsRenumberedAsCudaSeesIt() {
        TaskDevice renumbered = TaskDevice.choose("auto", gpus("3"), "2, 3");
        assertEquals(Device.gpu(1), renumbered.device());
        assertTrue(renumbered.reason().contains("CUDA device 1 under CUDA_VISIBLE_DEVICES=2, 3"), renumbered.reason());
        assertEquals(Device.gpu(0), TaskDevice.choose("auto", gpus("0"), "2,3").device(),
                "an address CUDA_VISIBLE_DEVICES does not list is taken as CUDA's own number");
    }

    @Test
    void whatCannotBeHonouredIsAnErrorSayingWhatToSet() {
        InvalidOptionException noGpu = assertThrows(InvalidOptionException.class, () -> TaskDevice.choose("gpu", Map.of(), null));
        assertTrue(noGpu.getMessage().contains("spark.task.resource.gpu.amount"), noGpu.getMessage());
        InvalidOptionException uuid = assertThrows(InvalidOptionException.class,
                () -> TaskDevice.choose("auto", gpus("GPU-8d0a4c5e"), null));
        assertTrue(uuid.getMessage().contains("'GPU-8d0a4c5e', which is not a CUDA device number"), uuid.getMessage());
        InvalidOptionException mode = assertThrows(InvalidOptionException.class, () -> TaskDevice.choose("gpu:1", gpus("1"), null));
        assertTrue(mode.getMessage().contains("not one of auto, gpu or cpu"), mode.getMessage());
    }
}
