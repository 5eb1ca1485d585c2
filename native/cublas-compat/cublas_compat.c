/*
 * libcublas.so.12 for machines that only have CUDA 13's libcublas.so.13.
 *
 * JCublas2 12.6's JNI library binds versioned symbols (cublasSgemm_v2@libcublas.so.12). This library has that soname
 * and version node and defines every function that JNI library binds, listed in jcublas2_symbols.h (generated from
 * it by scripts/build-cublas-compat.sh --symbols), so JCublas2 loads however the dynamic linker binds, LD_BIND_NOW=1
 * included, and no JCublas2 call can end the process with "symbol lookup error".
 *
 * Each function is a trampoline: one indirect jump through its slot. A tail jump leaves every argument register, the
 * vector-register count of variadic calls and the caller's stack as the caller set them, so on x86-64 forwarding
 * needs neither the function's signature nor a CUDA header. When this library is loaded, a constructor opens
 * libcublas.so.13 ($JRESNET_CUBLAS13 when set) and points each slot at the function of the same name there. A slot
 * whose function libcublas.so.13 lacks, or every slot when it cannot be opened, keeps pointing at a stub that prints
 * one line on stderr naming the function at its first call and returns, by the function's return type:
 *   cublasStatus_t (all but three): CUBLAS_STATUS_NOT_SUPPORTED when libcublas.so.13 lacks the function,
 *                                   CUBLAS_STATUS_NOT_INITIALIZED when libcublas.so.13 could not be opened;
 *   const char * (cublasGetStatusName, cublasGetStatusString): a static text saying the function is unavailable;
 *   size_t (cublasGetCudartVersion): 0, as no CUDA runtime version is known.
 * The stubs declare no parameters: under the x86-64 calling convention a callee may ignore the arguments it is
 * passed, and the caller removes any it pushed.
 *
 * glibc: needs no glibc symbol version newer than GLIBC_2.2.5, so although built on glibc 2.36 it loads on every
 * x86-64 distribution CUDA 12 or 13 supports (RHEL 8 has glibc 2.28, Ubuntu 20.04 has 2.31). Build:
 * scripts/build-cublas-compat.sh (gcc, with the version script beside this file).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* glibc 2.34 moved these into libc.so.6 as version GLIBC_2.34 and kept GLIBC_2.2.5, the version every glibc has
 * (in libdl.so.2 before 2.34, which the build script links for that reason). */
__asm__(".symver dlopen, dlopen@GLIBC_2.2.5");
__asm__(".symver dlsym, dlsym@GLIBC_2.2.5");
__asm__(".symver dlerror, dlerror@GLIBC_2.2.5");

/* cuBLAS status values the stubs return. */
#define CUBLAS_STATUS_NOT_INITIALIZED 1
#define CUBLAS_STATUS_NOT_SUPPORTED 15

/* libcublas.so.13, or NULL when it could not be opened; set by open_cublas13 before any caller can get here. */
static void *cublas13;

/* The first time only (per function, *reported), says on stderr why NAME does not reach libcublas.so.13. */
static void report(const char *name, char *reported, const char *answer) {
    if (__atomic_exchange_n(reported, 1, __ATOMIC_RELAXED))
        return;
    if (cublas13 == NULL)
        fprintf(stderr, "jresnet cublas-compat: %s %s: libcublas.so.13 could not be opened\n", name, answer);
    else
        fprintf(stderr, "jresnet cublas-compat: libcublas.so.13 has no %s; it %s\n", name, answer);
}

static int missing_status(const char *name, char *reported) {
    if (cublas13 == NULL) {
        report(name, reported, "returns CUBLAS_STATUS_NOT_INITIALIZED");
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    report(name, reported, "returns CUBLAS_STATUS_NOT_SUPPORTED");
    return CUBLAS_STATUS_NOT_SUPPORTED;
}

/* NAME's exported trampoline and its slot, which starts at NAME's stub. */
#define TRAMPOLINE(NAME)                                  \
    static void *slot_##NAME = (void *) missing_##NAME;   \
    __asm__(".pushsection .text\n"                        \
            ".globl " #NAME "\n"                          \
            ".type " #NAME ", @function\n"                \
            ".p2align 4\n" #NAME ":\n"                    \
            "\tjmp *slot_" #NAME "(%rip)\n"               \
            ".size " #NAME ", . - " #NAME "\n"            \
            ".popsection\n");

#define RETURNS_STATUS(NAME)                          \
    static int missing_##NAME(void) {                 \
        static char reported;                         \
        return missing_status(#NAME, &reported);      \
    }                                                 \
    TRAMPOLINE(NAME)

#define RETURNS_STRING(NAME)                                                                                  \
    static const char *missing_##NAME(void) {                                                                 \
        static char reported;                                                                                 \
        report(#NAME, &reported, "returns a text saying so");                                                 \
        return #NAME " is unavailable (jresnet cublas-compat: libcublas.so.13 lacks it or could not be opened)"; \
    }                                                                                                         \
    TRAMPOLINE(NAME)

#define RETURNS_SIZE(NAME)                        \
    static size_t missing_##NAME(void) {          \
        static char reported;                     \
        report(#NAME, &reported, "returns 0");    \
        return 0;                                 \
    }                                             \
    TRAMPOLINE(NAME)

#include "jcublas2_symbols.h"

#undef RETURNS_STATUS
#undef RETURNS_STRING
#undef RETURNS_SIZE
#define RETURNS_STATUS(NAME) {#NAME, &slot_##NAME},
#define RETURNS_STRING(NAME) {#NAME, &slot_##NAME},
#define RETURNS_SIZE(NAME) {#NAME, &slot_##NAME},

static const struct forward {
    const char *name;
    void **slot;
} forwards[] = {
#include "jcublas2_symbols.h"
};

__attribute__((constructor)) static void open_cublas13(void) {
    const char *path = getenv("JRESNET_CUBLAS13");
    if (path == NULL)
        path = "libcublas.so.13";
    cublas13 = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (cublas13 == NULL) {
        fprintf(stderr, "jresnet cublas-compat: cannot open %s: %s\n", path, dlerror());
        return;
    }
    for (size_t i = 0; i < sizeof forwards / sizeof forwards[0]; i++) {
        void *function = dlsym(cublas13, forwards[i].name);
        if (function != NULL)
            *forwards[i].slot = function;
    }
}
