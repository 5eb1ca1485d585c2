package dev.jresnet.gpu;

import dev.jresnet.InputException;

/** No usable GPU: the message says what is missing (driver, device, cuDNN, cuBLAS) and where it was looked for. */
public class GpuUnavailableException extends InputException {
    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String reason) {
        super(reason);
    }
}
