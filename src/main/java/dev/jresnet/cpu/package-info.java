/**
 * The CPU path in pure Java: {@link dev.jresnet.cpu.CpuResNet} over plain kernels (the reference) and fast ones (GEMM,
 * Winograd, Vector API micro-kernels held to the plain ones). Public: CpuResNet, CpuOptions, VectorApi; the kernels
 * are this package's own.
 */
package dev.jresnet.cpu;
