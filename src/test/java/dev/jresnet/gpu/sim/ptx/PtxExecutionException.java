package dev.jresnet.gpu.sim.ptx;

/**
 * A thread faulted while running: a memory access the memory refused (the cause), a misaligned access, an integer
 * division by zero, a trap. The message names the kernel, the block and thread, the PTX line and the instruction.
 */
public final class PtxExecutionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String kernel;
    private final int[] block;
    private final int[] thread;
    private final int line;
    private final String instruction;

    PtxExecutionException(String kernel, int[] block, int[] thread, int line, String instruction, String problem,
                          Throwable cause) {
        super(kernel + ": block (" + block[0] + "," + block[1] + "," + block[2] + ") thread (" + thread[0] + "," + thread[1]
                + "," + thread[2] + "), PTX line " + line + " `" + instruction + "`: " + problem, cause);
        this.kernel = kernel;
        this.block = block.clone();
        this.thread = thread.clone();
        this.line = line;
        this.instruction = instruction;
    }

    public String kernel() {
        return kernel;
    }

    /** The faulting block's index: x, y, z. */
    public int[] block() {
        return block.clone();
    }

    /** The faulting thread's index within its block: x, y, z. */
    public int[] thread() {
        return thread.clone();
    }

    /** 1-based line of the faulting instruction in the PTX text. */
    public int line() {
        return line;
    }

    /** The faulting instruction as written (whitespace collapsed). */
    public String instruction() {
        return instruction;
    }
}
