package dev.jresnet.weights.pretrained;

import dev.jresnet.weights.WeightsFormatException;

import java.nio.file.Path;

/** A weights file whose SHA-256 does not start with the digits its name carries: corrupt, truncated or replaced. */
public class WeightsHashException extends WeightsFormatException {
    private static final long serialVersionUID = 1L;

    private final String expectedPrefix;
    private final String actual;

    public WeightsHashException(Path file, String expectedPrefix, String actual) {
        super(file, "SHA-256 is " + actual + ", but the file name says it starts with " + expectedPrefix
                + ": the file is corrupt or incomplete; delete " + file + " and fetch it again");
        this.expectedPrefix = expectedPrefix;
        this.actual = actual;
    }

    public String expectedPrefix() {
        return expectedPrefix;
    }

    public String actual() {
        return actual;
    }
}
