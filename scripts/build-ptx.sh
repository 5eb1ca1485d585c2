#!/usr/bin/env bash
# Builds cuda-kernels/*.cu to PTX under native/ptx/ (committed, and packaged in the jar, so users need no nvcc).
# compute_80 PTX runs on every GPU from A100 (sm_80) on, H100 included (the driver JIT-compiles it). PTX from nvcc 13
# needs an NVIDIA driver >= 580 to load.
# Usage: scripts/build-ptx.sh [OUT_DIR]   (default native/ptx; the tests build into a temporary folder and compare)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/native/ptx}"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
mkdir -p "$out"
for cu in "$root"/cuda-kernels/*.cu; do
  name="$(basename "$cu" .cu)"
  "$nvcc" -ptx -arch=compute_80 -O3 -std=c++17 -o "$out/$name.ptx" "$cu"
done
