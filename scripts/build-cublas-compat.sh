#!/usr/bin/env bash
# Builds the cuBLAS compatibility library (native/cublas-compat/) with gcc: soname libcublas.so.12, version node
# libcublas.so.12, forwarding to libcublas.so.13. The result is committed under native/linux-x86_64/ and packaged in
# the jar, so users need no compiler.
# Usage: scripts/build-cublas-compat.sh [OUT_FILE]   (default native/linux-x86_64/libjresnet-cublas-compat.so)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/native/linux-x86_64/libjresnet-cublas-compat.so}"
mkdir -p "$(dirname "$out")"
src="$root/native/cublas-compat"
gcc -O2 -fPIC -shared -Wall -Wextra -Werror -std=c11 \
  -Wl,-soname,libcublas.so.12 -Wl,--version-script="$src/libcublas.so.12.map" -Wl,--build-id=none \
  -o "$out" "$src/cublas_compat.c" -ldl
