package dev.jresnet.gpu.sim.ptx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One .entry of a module, decoded, and its launches. Threads run one at a time to completion (there is no shared
 * memory or barrier to interleave them for), blocks in any order and, with parallelism above 1, on several threads.
 */
public final class PtxKernel {
    // Where each special register sits in Decoder.SPECIALS (x, then y and z after it).
    private static final int TID = 0;
    private static final int NTID = 3;
    private static final int CTAID = 6;
    private static final int NCTAID = 9;
    private static final int LANEID = 12;
    private static final int WARPID = 13;

    private final String name;
    private final List<PtxParam> params;
    private final int[] maxThreads;
    private final int[] requiredThreads;
    private final Decoder.Program program;

    PtxKernel(Parser.EntrySource entry, Decoder.Program program) {
        this.name = entry.name();
        this.params = entry.params();
        this.maxThreads = entry.maxThreads();
        this.requiredThreads = entry.requiredThreads();
        this.program = program;
    }

    public String name() {
        return name;
    }

    /** The parameters in declaration order. */
    public List<PtxParam> params() {
        return params;
    }

    /**
     * Runs every thread of every block to completion.
     *
     * @param params      one byte[] per .param, little-endian, each exactly the declared size
     * @param memory      what ld/st on global and generic addresses reach
     * @param parallelism how many threads may run blocks at once (1: all on the calling thread)
     * @throws PtxLaunchException    before anything ran, when the parameters or the launch shape do not fit the kernel
     * @throws PtxExecutionException when a thread faulted (the launch stops soon after)
     */
    public void launch(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, List<byte[]> params,
                       GlobalMemory memory, int parallelism) {
        Objects.requireNonNull(memory, "memory");
        checkShape(gridX, gridY, gridZ, blockX, blockY, blockZ);
        byte[][] paramBytes = checkParams(params);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        int[] grid = {gridX, gridY, gridZ};
        int[] block = {blockX, blockY, blockZ};
        Run run = new Run(new LaunchState(memory, paramBytes), grid, block);
        long blocks = (long) gridX * gridY * gridZ;
        int workers = (int) Math.min(parallelism, blocks);
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < workers; i++) {
            Thread t = new Thread(run::work, "ptx-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        run.work();
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    // Hand out no more blocks; the ones running finish, and then the launch returns.
                    run.stop();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        run.rethrow();
    }

    private void checkShape(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
        int[] all = {gridX, gridY, gridZ, blockX, blockY, blockZ};
        for (int v : all) {
            if (v < 1) {
                throw new PtxLaunchException(name + ": grid and block dimensions must be at least 1, got grid (" + gridX
                        + "," + gridY + "," + gridZ + ") block (" + blockX + "," + blockY + "," + blockZ + ")");
            }
        }
        int[] block = {blockX, blockY, blockZ};
        if (requiredThreads != null && !Arrays.equals(block, requiredThreads)) {
            throw new PtxLaunchException(name + " requires blocks of " + shape(requiredThreads) + " (.reqntid), not "
                    + shape(block));
        }
        long threads = (long) blockX * blockY * blockZ;
        if (maxThreads != null && threads > (long) maxThreads[0] * maxThreads[1] * maxThreads[2]) {
            throw new PtxLaunchException(name + " allows at most " + shape(maxThreads) + " threads per block (.maxntid), "
                    + "not " + shape(block));
        }
    }

    private static String shape(int[] d) {
        return d[0] + "x" + d[1] + "x" + d[2];
    }

    private byte[][] checkParams(List<byte[]> given) {
        if (given.size() != params.size()) {
            throw new PtxLaunchException(name + " takes " + params.size() + " parameters, " + given.size()
                    + " were passed");
        }
        byte[][] copies = new byte[given.size()][];
        for (int i = 0; i < given.size(); i++) {
            PtxParam p = params.get(i);
            byte[] value = given.get(i);
            if (value == null || value.length != p.bytes()) {
                String passed = value == null ? "null was" : value.length + " bytes were";
                throw new PtxLaunchException(name + ": parameter " + i + " (" + p.name() + ") is ." + p.type() + ", "
                        + p.bytes() + " bytes; " + passed + " passed");
            }
            copies[i] = value.clone();
        }
        return copies;
    }

    /** One launch in progress: hands out blocks to workers and keeps the first fault. */
    private final class Run {
        private final LaunchState state;
        private final long[] initial;
        private final int[] grid;
        private final int[] block;
        private final long blocks;
        private final AtomicLong nextBlock = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopped;

        Run(LaunchState state, int[] grid, int[] block) {
            this.state = state;
            this.grid = grid;
            this.block = block;
            this.blocks = (long) grid[0] * grid[1] * grid[2];
            this.initial = program.initialRegisters().clone();
            for (int i = 0; i < 3; i++) {
                set(initial, NTID + i, block[i]);
                set(initial, NCTAID + i, grid[i]);
            }
        }

        void stop() {
            stopped = true;
        }

        void work() {
            try {
                long[] perBlock = initial.clone();
                long[] registers = new long[initial.length];
                for (long b = nextBlock.getAndIncrement(); b < blocks && !stopped; b = nextBlock.getAndIncrement()) {
                    int[] blockIndex = {(int) (b % grid[0]), (int) (b / grid[0] % grid[1]),
                        (int) (b / ((long) grid[0] * grid[1]))};
                    for (int i = 0; i < 3; i++) {
                        set(perBlock, CTAID + i, blockIndex[i]);
                    }
                    runBlock(blockIndex, perBlock, registers);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                stopped = true;
            }
        }

        private void runBlock(int[] blockIndex, long[] perBlock, long[] registers) {
            Step[] code = program.code();
            int linear = 0;
            for (int z = 0; z < block[2]; z++) {
                for (int y = 0; y < block[1]; y++) {
                    for (int x = 0; x < block[0]; x++, linear++) {
                        System.arraycopy(perBlock, 0, registers, 0, registers.length);
                        set(registers, TID, x);
                        set(registers, TID + 1, y);
                        set(registers, TID + 2, z);
                        set(registers, LANEID, linear % 32);
                        set(registers, WARPID, linear / 32);
                        int pc = 0;
                        try {
                            while (pc >= 0) {
                                pc = code[pc].run(registers, state);
                            }
                        } catch (RuntimeException e) {
                            throw fault(blockIndex, new int[]{x, y, z}, pc, e);
                        }
                    }
                }
            }
        }

        private void set(long[] registers, int special, long value) {
            int slot = program.specialSlots()[special];
            if (slot >= 0) {
                registers[slot] = value;
            }
        }

        private PtxExecutionException fault(int[] blockIndex, int[] thread, int pc, RuntimeException e) {
            String problem = e instanceof Fault ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new PtxExecutionException(name, blockIndex, thread, program.lines()[pc], program.texts()[pc], problem,
                    e instanceof Fault ? null : e);
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }
    }
}
