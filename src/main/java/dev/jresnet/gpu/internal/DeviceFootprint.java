package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.DeviceMemoryException;
import dev.jresnet.gpu.GpuInfo;
import dev.jresnet.plan.Plan;

import java.util.Locale;

/**
 * What a network needs on its GPU, counted from the plan before anything is allocated: activations and the copy
 * pipeline's staging (per sample, times the max batch), parameters (none when another network already holds them
 * on this GPU), the cuDNN workspace (at most {@link #WORKSPACE_LIMIT}), cuBLAS's workspace, and a reserve for what
 * cuDNN and cuBLAS take for themselves (handles, kernels loaded on first use). Also cuDNN's limit of 2^31 - 1
 * elements per tensor, which bounds the batch whatever the memory.
 *
 * @param activationBytesPerSample one sample's activations over all the plan's buffers in the network's storage (the
 *                                 output buffer float32), the classifier's features, and its share of the pipeline
 * @param parameterBytes           weights, biases and batch-norm statistics as uploaded, or 0 when shared
 * @param largestTensorPerSample   elements of the plan's largest tensor, per sample
 */
record DeviceFootprint(long activationBytesPerSample, long parameterBytes, long largestTensorPerSample) {
    private static final long MIB = 1L << 20;
    /** The most cuDNN workspace a network takes: algorithms needing more are not used. */
    static final long WORKSPACE_LIMIT = 256 * MIB;
    /** cuDNN's and cuBLAS's own memory: handles, and the kernels they load as operations are first used. */
    static final long LIBRARY_RESERVE = 256 * MIB;
    /** cuDNN's legacy API refuses tensors of more elements than an int holds. */
    static final long CUDNN_TENSOR_LIMIT = Integer.MAX_VALUE;

    /**
     * @param parameterBytes what uploading the parameters takes ({@link DeviceParameters#bytes}), 0 when they are shared
     */
    static DeviceFootprint of(Plan plan, DevicePrecision precision, long parameterBytes) {
        long activations = 0;
        long largest = 0;
        int[] elements = plan.bufferElements();
        for (int b = 0; b < elements.length; b++) {
            activations += (long) elements[b] * bufferBytesPerElement(plan, precision, b);
            largest = Math.max(largest, elements[b]);
        }
        long in = plan.inputShape().elements();
        // Staging for float32 batches, and for 8-bit images (one byte per value) once those are sent.
        long pipeline = BatchPipeline.deviceBytesPerSample(4 * in + in, plan.outputShape().elements());
        return new DeviceFootprint(activations + GpuSteps.classifierBytes(plan, precision, 1) + pipeline, parameterBytes,
                largest);
    }

    /** Bytes per element of a plan buffer: the network's storage, float32 for the output (the logits are). */
    static int bufferBytesPerElement(Plan plan, DevicePrecision precision, int buffer) {
        return buffer == plan.outputBuffer() ? 4 : precision.bytes();
    }

    /**
     * The workspace cuBLAS gets from us (cublasSetWorkspace), so that it never allocates one itself, which it would do
     * lazily inside a CUDA graph capture: the sizes cuBLAS's documentation recommends, 32 MiB on Hopper and later,
     * 4 MiB before.
     */
    static long cublasWorkspace(GpuInfo gpu) {
        return gpu.computeMajor() >= 9 ? 32 * MIB : 4 * MIB;
    }

    /** The largest batch whose largest tensor stays within cuDNN's per-tensor limit. */
    int largestBatchForCudnn() {
        return (int) Math.min(Integer.MAX_VALUE, CUDNN_TENSOR_LIMIT / largestTensorPerSample);
    }

    /** Bytes needed besides the activations and the cuDNN workspace. */
    long fixedBytes(GpuInfo gpu) {
        return parameterBytes + cublasWorkspace(gpu) + LIBRARY_RESERVE;
    }

    /** Everything but the cuDNN workspace, which takes what is left up to its limit. */
    long bytesFor(int maxBatch, GpuInfo gpu) {
        return activationBytesPerSample * maxBatch + fixedBytes(gpu);
    }

    /** A batch that leaves a twentieth of what activations could have for the workspace, within cuDNN's limit. */
    int largestBatchFitting(long freeBytes, GpuInfo gpu) {
        long forActivations = (freeBytes - fixedBytes(gpu)) * 19 / 20;
        return (int) Math.max(0, Math.min(largestBatchForCudnn(), forActivations / activationBytesPerSample));
    }

    /** Refuses a max batch over cuDNN's per-tensor limit, naming the largest that is within it. */
    void checkTensorLimit(String model, String input, int maxBatch) {
        if (maxBatch > largestBatchForCudnn()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s at %s with max batch %d would make a tensor of "
                    + "%,d elements, and cuDNN takes at most 2^31 - 1 (%,d) per tensor: the largest max batch is %d",
                    model, input, maxBatch, largestTensorPerSample * maxBatch, CUDNN_TENSOR_LIMIT, largestBatchForCudnn()));
        }
    }

    /** Refuses a max batch that the free device memory cannot hold, naming one that it can. */
    void checkFits(String model, int maxBatch, GpuInfo gpu, long freeBytes) {
        long needed = bytesFor(maxBatch, gpu);
        if (needed > freeBytes) {
            throw new DeviceMemoryException(String.format(Locale.ROOT, "%s with max batch %d needs %.1f MiB (%.1f MiB of "
                    + "activations and staging, %.1f MiB of weights, %.1f MiB for cuDNN and cuBLAS), but %s has %.1f MiB free; "
                    + "a max batch of about %d fits", model, maxBatch, needed / (double) MIB,
                    activationBytesPerSample * (double) maxBatch / MIB, parameterBytes / (double) MIB,
                    (cublasWorkspace(gpu) + LIBRARY_RESERVE) / (double) MIB, gpu.name(), freeBytes / (double) MIB,
                    largestBatchFitting(freeBytes, gpu)));
        }
    }
}
