/**
 * How a plan runs on a GPU: the executor, one step per plan operation, cuDNN descriptors and algorithm choice, device
 * memory, our kernels, CUDA graphs. Internal: public only where the gpu package needs it; not an API.
 */
package dev.jresnet.gpu.internal;
