package dev.jresnet.model;

import dev.jresnet.InputException;

/**
 * A model description, architecture name or input size that does not make a network: the message names the option
 * or the layer at fault.
 */
public class InvalidModelException extends InputException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
