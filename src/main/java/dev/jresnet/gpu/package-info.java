/**
 * The GPU path's public face: {@link dev.jresnet.gpu.GpuResNet}, its options, what the machine has
 * ({@link dev.jresnet.gpu.Gpu}), the errors, and {@link dev.jresnet.gpu.CudaApi}, the one seam every call into CUDA,
 * cuDNN and cuBLAS goes through (JCuda behind it in production, a simulated GPU in the tests).
 */
package dev.jresnet.gpu;
