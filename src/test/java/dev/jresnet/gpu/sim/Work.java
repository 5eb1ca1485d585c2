package dev.jresnet.gpu.sim;

/** One operation queued on a simulated stream (or recorded into a graph): what it is, for errors, and what it does. */
record Work(String what, Runnable action) {
}
