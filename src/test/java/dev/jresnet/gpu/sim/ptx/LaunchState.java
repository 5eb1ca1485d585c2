package dev.jresnet.gpu.sim.ptx;

/** What every thread of one launch shares: the memory and the parameter bytes (by .param index). */
record LaunchState(GlobalMemory memory, byte[][] params) {
}
