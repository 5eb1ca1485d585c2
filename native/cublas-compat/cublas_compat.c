/*
 * libcublas.so.12 for machines that only have CUDA 13's libcublas.so.13.
 *
 * JCublas2 12.6's JNI library binds versioned symbols (cublasSgemm_v2@libcublas.so.12). This library has that soname
 * and version node and exports the functions jresnet calls, each forwarding to the same function of
 * libcublas.so.13, opened on first use. No CUDA headers: handles and streams are opaque pointers, enums are ints,
 * exactly as the cuBLAS C ABI passes them. Functions not listed here stay unbound (JCublas binds lazily), so
 * calling any other JCublas2 function fails; export it here before jresnet uses it.
 *
 * Build: scripts/build-cublas-compat.sh (gcc, with the version script beside this file). Built on glibc 2.36, it
 * needs glibc 2.34 or newer (dlopen moved into libc.so.6 there), as every CUDA 13 distribution has.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* cuBLAS status values this file returns itself. */
#define CUBLAS_STATUS_NOT_INITIALIZED 1

static void *cublas13;

/* The real function, or NULL with a message on stderr when libcublas.so.13 or the symbol is missing. */
static void *real(const char *name) {
    if (cublas13 == NULL) {
        const char *path = getenv("JRESNET_CUBLAS13");
        cublas13 = dlopen(path != NULL ? path : "libcublas.so.13", RTLD_NOW | RTLD_GLOBAL);
        if (cublas13 == NULL) {
            fprintf(stderr, "jresnet cublas-compat: cannot open %s: %s\n", path != NULL ? path : "libcublas.so.13", dlerror());
            return NULL;
        }
    }
    void *f = dlsym(cublas13, name);
    if (f == NULL) {
        fprintf(stderr, "jresnet cublas-compat: libcublas.so.13 has no %s\n", name);
    }
    return f;
}

/* Defines NAME(PARAMS) forwarding ARGS to the real NAME; int status result. */
#define FORWARD(NAME, PARAMS, ARGS)                                   \
    int NAME PARAMS {                                                 \
        static int (*f) PARAMS;                                       \
        if (f == NULL && (f = (int (*) PARAMS) real(#NAME)) == NULL)  \
            return CUBLAS_STATUS_NOT_INITIALIZED;                     \
        return f ARGS;                                                \
    }

FORWARD(cublasCreate_v2, (void **handle), (handle))
FORWARD(cublasDestroy_v2, (void *handle), (handle))
FORWARD(cublasSetStream_v2, (void *handle, void *stream), (handle, stream))
FORWARD(cublasGetVersion_v2, (void *handle, int *version), (handle, version))
FORWARD(cublasSetMathMode, (void *handle, int mode), (handle, mode))
FORWARD(cublasSetPointerMode_v2, (void *handle, int mode), (handle, mode))
FORWARD(cublasSgemm_v2,
        (void *handle, int transa, int transb, int m, int n, int k, const float *alpha, const float *a, int lda,
         const float *b, int ldb, const float *beta, float *c, int ldc),
        (handle, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
FORWARD(cublasGemmEx,
        (void *handle, int transa, int transb, int m, int n, int k, const void *alpha, const void *a, int atype,
         int lda, const void *b, int btype, int ldb, const void *beta, void *c, int ctype, int ldc, int compute,
         int algo),
        (handle, transa, transb, m, n, k, alpha, a, atype, lda, b, btype, ldb, beta, c, ctype, ldc, compute, algo))

const char *cublasGetStatusString(int status) {
    static const char *(*f)(int);
    if (f == NULL && (f = (const char *(*)(int)) real("cublasGetStatusString")) == NULL)
        return "cuBLAS status (libcublas.so.13 unavailable)";
    return f(status);
}

const char *cublasGetStatusName(int status) {
    static const char *(*f)(int);
    if (f == NULL && (f = (const char *(*)(int)) real("cublasGetStatusName")) == NULL)
        return "CUBLAS_STATUS_UNKNOWN";
    return f(status);
}
