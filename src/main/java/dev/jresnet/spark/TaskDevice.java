package dev.jresnet.spark;

import dev.jresnet.Device;
import dev.jresnet.InvalidOptionException;
import org.apache.spark.resource.ResourceInformation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where one Spark task runs its images: the GPU Spark assigned the task ({@code TaskContext.resources().get("gpu")}),
 * so that the tasks of an executor with several GPUs spread over them instead of all landing on GPU 0; the CPU where
 * Spark assigned no GPU (no GPU resource configured, or local mode, which assigns none) or where the CPU is asked for.
 *
 * @param device where the task's images run
 * @param reason why, for the executor's log
 */
record TaskDevice(Device device, String reason) {
    /** Spark's name for the GPU resource (spark.executor.resource.gpu.*, spark.task.resource.gpu.*). */
    static final String GPU_RESOURCE = "gpu";

    /**
     * @param requested          the transformer's device setting: "auto" (the task's GPU if it has one, else the CPU),
     *                           "gpu" (the task's GPU, an error if it has none) or "cpu"
     * @param resources          the task's resources, as TaskContext.resourcesJMap() gives them
     * @param cudaVisibleDevices the executor's CUDA_VISIBLE_DEVICES, or null: when it is set, CUDA numbers only the
     *                           devices it lists, from 0, while discovery scripts (nvidia-smi) report the machine's
     *                           numbers
     */
    static TaskDevice choose(String requested, Map<String, ResourceInformation> resources, String cudaVisibleDevices) {
        String mode = requested.strip().toLowerCase(Locale.ROOT);
        if (mode.equals("cpu")) {
            return new TaskDevice(Device.CPU, "the CPU, as asked (device cpu)");
        }
        if (!mode.equals("auto") && !mode.equals("gpu")) {
            throw new InvalidOptionException("device '" + requested + "' is not one of auto, gpu or cpu (on Spark the GPU is the "
                    + "one Spark assigned the task)");
        }
        ResourceInformation gpus = resources.get(GPU_RESOURCE);
        if (gpus == null || gpus.addresses().length == 0) {
            if (mode.equals("gpu")) {
                throw new InvalidOptionException("device gpu, but Spark assigned this task no GPU: set "
                        + "spark.executor.resource.gpu.amount, its discovery script and spark.task.resource.gpu.amount");
            }
            return new TaskDevice(Device.CPU, "the CPU, as Spark assigned this task no GPU");
        }
        String address = gpus.addresses()[0];
        int index = cudaIndex(address, cudaVisibleDevices);
        String others = gpus.addresses().length > 1
                ? "; the task's other GPUs " + Arrays.toString(Arrays.copyOfRange(gpus.addresses(), 1, gpus.addresses().length))
                + " are left unused (one network per GPU: give each task one GPU, or a fraction of one)" : "";
        String numbering = String.valueOf(index).equals(address) ? "" : " (CUDA device " + index + " under CUDA_VISIBLE_DEVICES="
                + cudaVisibleDevices + ")";
        return new TaskDevice(Device.gpu(index), "GPU " + index + ", the GPU address " + address + " Spark assigned this task"
                + numbering + others);
    }

    /**
     * CUDA's number for a GPU address of Spark's: its position in CUDA_VISIBLE_DEVICES when that lists it, else the
     * address itself (a discovery script reporting CUDA's own numbers).
     */
    private static int cudaIndex(String address, String cudaVisibleDevices) {
        if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
            List<String> visible = Arrays.stream(cudaVisibleDevices.split(",")).map(String::strip).toList();
            int position = visible.indexOf(address.strip());
            if (position >= 0) {
                return position;
            }
        }
        try {
            return Integer.parseInt(address.strip());
        } catch (NumberFormatException e) {
            throw new InvalidOptionException("Spark assigned GPU address '" + address + "', which is not a CUDA device number: "
                    + "make the GPU discovery script report device numbers (as nvidia-smi's index does)");
        }
    }
}
