package dev.jresnet;

/**
 * A fault of what the user gave jresnet: a file (weights, images, arrays), an option, a model description, a device
 * that is missing or too small. The message names the file, option, tensor or limit, and says what would work; the
 * command line prints it as one line. Every such error is one of these (WeightsFormatException,
 * WeightsMismatchException, UnreadableImageException, NpyFormatException, InvalidModelException,
 * InvalidOptionException, GpuUnavailableException, DeviceMemoryException); any other exception is a fault of
 * jresnet's, and the command line prints its stack trace.
 */
public class InputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
