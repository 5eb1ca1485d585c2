package dev.jresnet.gpu.internal;

import dev.jresnet.gpu.CudaApi;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;

/**
 * CUDA graphs through the driver API's stream capture (cuStreamBeginCapture in thread-local mode, so other threads'
 * CUDA calls are not disturbed), instantiated with cuGraphInstantiate and replayed with cuGraphLaunch on the same
 * stream. Every buffer the steps use is fixed for the network's life, so a replay reads and writes the same memory
 * the capture saw.
 */
final class StreamCapture implements ForwardGraphs.Backend<CUgraphExec> {
    private final CudaApi cuda;
    private final CUstream stream;

    StreamCapture(CudaApi cuda, CUstream stream) {
        this.cuda = cuda;
        this.stream = stream;
    }

    @Override
    public CUgraphExec capture(Runnable steps) throws ForwardGraphs.CaptureFailedException {
        int begin = cuda.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        if (begin != CUresult.CUDA_SUCCESS) {
            throw new ForwardGraphs.CaptureFailedException("cuStreamBeginCapture: " + CUresult.stringFor(begin), null);
        }
        RuntimeException failed = null;
        try {
            steps.run();
        } catch (RuntimeException e) {
            failed = e;
        }
        // Capture must be ended whatever happened, or the stream stays in capture mode.
        CUgraph graph = new CUgraph();
        int end = cuda.cuStreamEndCapture(stream, graph);
        if (failed != null || end != CUresult.CUDA_SUCCESS) {
            if (end == CUresult.CUDA_SUCCESS) {
                cuda.cuGraphDestroy(graph);
            }
            throw new ForwardGraphs.CaptureFailedException(failed != null ? failed.getMessage()
                    : "cuStreamEndCapture: " + CUresult.stringFor(end), failed);
        }
        try {
            CUgraphExec exec = new CUgraphExec();
            int instantiate = cuda.cuGraphInstantiate(exec, graph, 0);
            if (instantiate != CUresult.CUDA_SUCCESS) {
                throw new ForwardGraphs.CaptureFailedException("cuGraphInstantiate: " + CUresult.stringFor(instantiate), null);
            }
            return exec;
        } finally {
            // The executable graph is independent of the graph it was made from.
            Cuda.driver(cuda.cuGraphDestroy(graph), "cuGraphDestroy", () -> "the captured forward pass");
        }
    }

    @Override
    public void launch(CUgraphExec graph) {
        Cuda.driver(cuda.cuGraphLaunch(graph, stream), "cuGraphLaunch", () -> "replaying the captured forward pass");
    }

    @Override
    public void destroy(CUgraphExec graph) {
        Cuda.driver(cuda.cuGraphExecDestroy(graph), "cuGraphExecDestroy", () -> "the captured forward pass");
    }
}
