/** Float tensors, .npy files, and the small numerics around them (top-k, softmax, fp16). Public API. */
package dev.jresnet.tensor;
