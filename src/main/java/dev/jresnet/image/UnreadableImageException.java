package dev.jresnet.image;

import java.io.IOException;
import java.nio.file.Path;

/** An image file that cannot be decoded; the message names the file and the reason. */
public class UnreadableImageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final String reason;

    public UnreadableImageException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public String reason() {
        return reason;
    }
}
