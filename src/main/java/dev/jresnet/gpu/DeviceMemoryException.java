package dev.jresnet.gpu;

import dev.jresnet.InputException;

/** The device has not enough free memory for what was asked; the message names the amount, its purpose and the limit. */
public class DeviceMemoryException extends InputException {
    private static final long serialVersionUID = 1L;

    public DeviceMemoryException(String message) {
        super(message);
    }
}
