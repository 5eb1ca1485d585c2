/**
 * Weights keyed like torchvision's state_dict: reading safetensors and torch .pth files safely
 * ({@link dev.jresnet.weights.WeightsFiles}), checking them against an architecture, writing and generating them.
 * Public API.
 */
package dev.jresnet.weights;
