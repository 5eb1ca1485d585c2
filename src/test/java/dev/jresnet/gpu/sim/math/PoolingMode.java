package dev.jresnet.gpu.sim.math;

/** cudnnPoolingMode_t's modes: max, and the two averages that differ in what they divide by. */
public enum PoolingMode {
    /** CUDNN_POOLING_MAX (and _DETERMINISTIC, the same values): the largest input element in the window. */
    MAX,
    /** CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING: the window's sum over windowH * windowW, padding counting as 0. */
    AVERAGE_INCLUDE_PADDING,
    /** CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING: the sum over the number of window elements inside the input. */
    AVERAGE_EXCLUDE_PADDING
}
