package dev.jresnet.gpu.sim.ptx;

/** One decoded instruction: it reads and writes a thread's register file and says which instruction runs next. */
@FunctionalInterface
interface Step {
    /** Runs the instruction; returns the index of the next one, or -1 when the thread has exited. */
    int run(long[] registers, LaunchState launch);
}
