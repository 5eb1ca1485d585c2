/* A stand-in for CUDA 13's libcublas.so.13 in GPU-free tests: records that it was called and answers. */
int cublasCreate_v2(void **handle) { *handle = (void *) 0x1234; return 0; }
int cublasGetVersion_v2(void *handle, int *version) { *version = handle == (void *) 0x1234 ? 130042 : -1; return 0; }
int cublasDestroy_v2(void *handle) { return handle == (void *) 0x1234 ? 0 : 7; }
