package dev.jresnet.gpu.sim;

/**
 * One operation queued on a simulated stream (or recorded into a graph): what it is, for errors, what it does, and
 * when queued its place in the happens-before order ({@link HappensBefore}; null while only recorded in a capture).
 */
record Work(String what, Runnable action, HappensBefore.Clock clock) {
    Work(String what, Runnable action) {
        this(what, action, null);
    }
}
