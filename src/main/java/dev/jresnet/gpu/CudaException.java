package dev.jresnet.gpu;

/** A failed CUDA, cuDNN or cuBLAS call: the message names the call, its status and what it was working on. */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int status;

    public CudaException(String call, int status, String statusName, String context) {
        super(call + " failed: " + statusName + " (" + status + ")" + (context.isEmpty() ? "" : " [" + context + "]"));
        this.call = call;
        this.status = status;
    }

    public String call() {
        return call;
    }

    public int status() {
        return status;
    }
}
