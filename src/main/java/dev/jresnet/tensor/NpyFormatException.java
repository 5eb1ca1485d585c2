package dev.jresnet.tensor;

import dev.jresnet.InputException;

import java.nio.file.Path;

/** A .npy file that is not one this library reads; the message names the file and what is wrong with it. */
public class NpyFormatException extends InputException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
