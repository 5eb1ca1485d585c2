package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaException;
import dev.jresnet.gpu.CudnnStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cuDNN 9 renumbered its statuses (BAD_PARAM 3 became 2000, NOT_SUPPORTED 9 became 3000, ...): errors name cuDNN 9's
 * codes as cuDNN 9's headers do, and a cuDNN 8 code, should one ever come back, as cuDNN 8's.
 */
class CudnnStatusTest {
    private static String message(int status) {
        return assertThrows(CudaException.class, () -> Cuda.cudnn(status, "cudnnConvolutionForward")).getMessage();
    }

    @Test
    void cudnn9CodesAreNamed() {
        assertEquals("cudnnConvolutionForward failed: CUDNN_STATUS_NOT_SUPPORTED (3000)", message(3000));
        assertTrue(message(2000).contains("CUDNN_STATUS_BAD_PARAM (2000)"), message(2000));
        assertTrue(message(2002).contains("CUDNN_STATUS_BAD_PARAM_NULL_POINTER (2002)"), message(2002));
        assertTrue(message(1001).contains("CUDNN_STATUS_NOT_INITIALIZED (1001)"), message(1001));
        assertTrue(message(3007).contains("CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH (3007)"), message(3007));
        assertTrue(message(4004).contains("CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED (4004)"), message(4004));
        assertTrue(message(5003).contains("CUDNN_STATUS_EXECUTION_FAILED_CUDART (5003)"), message(5003));
    }

    @Test
    void cudnn8CodesAreNamedAsCudnn8s() {
        assertTrue(message(9).contains("CUDNN_STATUS_NOT_SUPPORTED in cuDNN 8's numbering (9)"), message(9));
        assertTrue(message(3).contains("CUDNN_STATUS_BAD_PARAM in cuDNN 8's numbering (3)"), message(3));
    }

    @Test
    void unknownCodesSaySo() {
        assertTrue(message(123456).contains("unknown cuDNN status (123456)"), message(123456));
    }

    @Test
    void theStatusIsKeptForCallersThatBranchOnIt() {
        CudaException e = assertThrows(CudaException.class, () -> Cuda.cudnn(CudnnStatus.NOT_SUPPORTED, "x"));
        assertEquals(3000, e.status());
    }
}
