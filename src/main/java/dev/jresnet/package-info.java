/**
 * jresnet: ResNet inference for Java. {@link dev.jresnet.ResNetModel} is the entry point (images or tensors in;
 * labelled top-k, features or logits out; on the CPU or an NVIDIA GPU); {@link dev.jresnet.InputException} is the
 * base of every error a user can cause. Public API.
 */
package dev.jresnet;
