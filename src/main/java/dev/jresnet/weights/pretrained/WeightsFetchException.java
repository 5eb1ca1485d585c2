package dev.jresnet.weights.pretrained;

import java.io.IOException;

/**
 * Pretrained weights that could not be had: not cached while downloads are off, or a download that failed (the
 * server's answer, a connection that broke off, a file that was not what its name promised). The message says
 * which file, from where, and what to do.
 */
public class WeightsFetchException extends IOException {
    private static final long serialVersionUID = 1L;

    public WeightsFetchException(String message) {
        super(message);
    }

    public WeightsFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
