package dev.jresnet.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of threads that run the tasks of one parallel section: the caller is worker 0 and takes tasks too,
 * tasks are handed out one at a time from a shared counter (so uneven tasks balance), and the call returns when
 * every task has finished. The threads live as long as the pool; nothing is allocated per section.
 */
final class WorkerPool implements AutoCloseable {
    /** One parallel section's work: task numbers are 0..tasks-1; {@code worker} indexes per-thread scratch. */
    interface Section {
        void run(int task, int worker);
    }

    private final int threads;
    private final Thread[] helpers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition started = lock.newCondition();
    private final Condition finished = lock.newCondition();
    private final AtomicInteger nextTask = new AtomicInteger();
    private Section section;
    private int taskCount;
    private long generation;
    private int helpersBusy;
    private Throwable failure;
    private boolean closed;

    /** @param threads the workers, the calling thread included (1 runs everything on the caller) */
    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            int worker = i + 1;
            helpers[i] = new Thread(() -> helperLoop(worker), "jresnet-cpu-" + worker);
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    int threads() {
        return threads;
    }

    /** Runs tasks 0..tasks-1 over the pool's threads and returns when all are done; rethrows a task's failure. */
    synchronized void run(int tasks, Section work) {
        if (tasks <= 0) {
            return;
        }
        if (helpers.length == 0 || tasks == 1) {
            for (int t = 0; t < tasks; t++) {
                work.run(t, 0);
            }
            return;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the CPU worker pool is closed");
            }
            section = work;
            taskCount = tasks;
            nextTask.set(0);
            failure = null;
            helpersBusy = helpers.length;
            generation++;
            started.signalAll();
        } finally {
            lock.unlock();
        }
        takeTasks(work, tasks, 0);
        lock.lock();
        try {
            while (helpersBusy > 0) {
                finished.awaitUninterruptibly();
            }
            section = null;
            if (failure != null) {
                Throwable f = failure;
                failure = null;
                if (f instanceof RuntimeException r) {
                    throw r;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        } finally {
            lock.unlock();
        }
    }

    private void takeTasks(Section work, int tasks, int worker) {
        for (int t = nextTask.getAndIncrement(); t < tasks; t = nextTask.getAndIncrement()) {
            try {
                work.run(t, worker);
            } catch (Throwable e) {
                recordFailure(e);
            }
        }
    }

    private void recordFailure(Throwable e) {
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            nextTask.set(Integer.MAX_VALUE / 2); // the others stop taking tasks
        } finally {
            lock.unlock();
        }
    }

    private void helperLoop(int worker) {
        long seen = 0;
        while (true) {
            Section work;
            int tasks;
            lock.lock();
            try {
                while (generation == seen && !closed) {
                    started.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                seen = generation;
                work = section;
                tasks = taskCount;
            } finally {
                lock.unlock();
            }
            takeTasks(work, tasks, worker);
            lock.lock();
            try {
                if (--helpersBusy == 0) {
                    finished.signal();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops the threads; a later {@link #run} fails. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            started.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
