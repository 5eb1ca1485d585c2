package dev.jresnet;

/** An option out of its range or not available where it was asked for; the message names the option and its range. */
public class InvalidOptionException extends InputException {
    private static final long serialVersionUID = 1L;

    public InvalidOptionException(String message) {
        super(message);
    }
}
