package dev.jresnet.gpu;

import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/**
 * Run in its own JVM by {@link CublasCompatTest}: loads a libcublas.so.13 (if given) and the compatibility library,
 * then calls JCublas2, whose JNI library binds cublasCreate_v2@libcublas.so.12, and prints what came back.
 */
public final class CublasCompatProbe {
    private CublasCompatProbe() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.load(args[0]);
        }
        System.load(NativeLibraries.extractCompatLibrary().toString());
        cublasHandle handle = new cublasHandle();
        int create = JCublas2.cublasCreate(handle);
        if (create != 0) {
            System.out.println("cublasCreate=" + create);
            return;
        }
        int[] version = {0};
        JCublas2.cublasGetVersion(handle, version);
        System.out.println("cublasCreate=" + create + " version=" + version[0] + " cublasDestroy=" + JCublas2.cublasDestroy(handle));
    }
}
