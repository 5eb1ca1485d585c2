/**
 * The planner: a graph and its weights compiled into a flat list of operations over numbered buffers, with
 * BatchNorm folding and fusion; both executors run the same plans. Public for the executors and tools; users choose
 * plans through {@link dev.jresnet.ResNetModel.Builder#schedule} and {@link dev.jresnet.plan.Precision}.
 */
package dev.jresnet.plan;
