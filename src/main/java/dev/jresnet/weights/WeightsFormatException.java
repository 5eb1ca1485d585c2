package dev.jresnet.weights;

import dev.jresnet.InputException;

import java.nio.file.Path;

/** A weights file that cannot be read as what it claims to be; the message names the file and the problem. */
public class WeightsFormatException extends InputException {
    private static final long serialVersionUID = 1L;

    public WeightsFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public WeightsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
