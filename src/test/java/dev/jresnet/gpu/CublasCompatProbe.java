package dev.jresnet.gpu;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/**
 * Run in its own JVM by {@link CublasCompatTest}: loads a libcublas.so.13 (if given) and the compatibility library,
 * then calls JCublas2, whose JNI library binds cublasCreate_v2@libcublas.so.12, and prints what came back. With
 * "unsupported" after the library it also calls functions the test's libcublas.so.13 lacks, one of them twice.
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
        if (args.length > 1 && args[1].equals("unsupported")) {
            for (int i = 0; i < 2; i++) {
                System.out.println("cublasSscal=" + JCublas2.cublasSscal(handle, 1, Pointer.to(new float[] {2}), new Pointer(), 1));
            }
            System.out.println("cublasGetStatusString=" + JCublas2.cublasGetStatusString(15));
            System.out.println("cublasGetCudartVersion=" + JCublas2.cublasGetCudartVersion());
        }
        System.out.println("cublasCreate=" + create + " version=" + version[0] + " cublasDestroy=" + JCublas2.cublasDestroy(handle));
    }
}
