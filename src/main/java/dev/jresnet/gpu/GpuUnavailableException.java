package dev.jresnet.gpu;

/** No usable GPU: the message says what is missing (driver, device, cuDNN, cuBLAS) and where it was looked for. */
public class GpuUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String reason) {
        super(reason);
    }
}
