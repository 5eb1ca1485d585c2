package dev.jresnet.image;

import dev.jresnet.InputException;

import java.nio.file.Path;

/** An image that cannot be decoded; the message names the image (its file, or what the caller called it) and why. */
public class UnreadableImageException extends InputException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String reason;

    public UnreadableImageException(String source, String reason) {
        super(source + ": " + reason);
        this.source = source;
        this.reason = reason;
    }

    public UnreadableImageException(Path file, String reason) {
        this(file.toString(), reason);
    }

    /** The file, or the name the caller gave an image it passed as bytes. */
    public String source() {
        return source;
    }

    public String reason() {
        return reason;
    }
}
