package dev.jresnet.gpu.sim.ptx;

/** PTX text the interpreter cannot parse, or a construct it does not implement; names the line. */
public final class PtxSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String lineText;

    PtxSyntaxException(int lineNumber, String lineText, String problem) {
        super("PTX line " + lineNumber + ": " + problem + "\n    " + lineText.strip());
        this.lineNumber = lineNumber;
        this.lineText = lineText;
    }

    /** 1-based line number in the PTX text. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The text of that line, as written. */
    public String lineText() {
        return lineText;
    }
}
