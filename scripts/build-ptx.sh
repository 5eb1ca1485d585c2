#!/usr/bin/env bash
# Builds cuda-kernels/*.cu to PTX under native/ptx/ (committed, and packaged in the jar, so users need no nvcc).
# Target compute_75 (`.target sm_75`): the driver JIT-compiles it for the GPU at hand, so the kernels run on Turing
# (T4, RTX 20xx) and every newer GPU (A100, RTX 30xx/40xx, H100, Blackwell).
# ISA: nvcc 13 stamps `.version 9.0`, which only CUDA 13 drivers (580+) load. Each file gets instead the lowest PTX
# ISA version that ptxas accepts for it on sm_75 (6.3 is the first that knows sm_75), up to 8.0: ptxas refuses any
# instruction newer than the declared ISA, so assembling is the check. A CUDA 12.0 driver (525) loads ISA up to 8.0,
# so the PTX loads on every CUDA 12 and CUDA 13 driver; the build fails if a kernel needs a later ISA.
# Usage: scripts/build-ptx.sh [OUT_DIR]   (default native/ptx; the tests build into a temporary folder and compare)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/native/ptx}"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
ptxas="${PTXAS:-$(dirname "$nvcc")/ptxas}"
# PTX ISA versions that know sm_75, oldest first, through 8.0 (CUDA 12.0).
versions="6.3 6.4 6.5 7.0 7.1 7.2 7.3 7.4 7.5 7.6 7.7 7.8 8.0"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for cu in "$root"/cuda-kernels/*.cu; do
  name="$(basename "$cu" .cu)"
  "$nvcc" -ptx -arch=compute_75 -O3 -std=c++17 -o "$work/$name.ptx" "$cu"
  if [ "$(grep -c '^\.version ' "$work/$name.ptx")" != 1 ]; then
    echo "$name.ptx: expected one .version line from nvcc" >&2
    exit 1
  fi
  chosen=""
  for version in $versions; do
    sed "s/^\.version .*/.version $version/" "$work/$name.ptx" > "$work/$name-$version.ptx"
    if "$ptxas" -arch=sm_75 "$work/$name-$version.ptx" -o /dev/null 2>/dev/null; then
      chosen="$version"
      break
    fi
  done
  if [ -z "$chosen" ]; then
    echo "$name.ptx needs a PTX ISA newer than 8.0 (or does not assemble for sm_75), so CUDA 12 drivers could not load it:" >&2
    "$ptxas" -arch=sm_75 "$work/$name-8.0.ptx" -o /dev/null >&2 || true
    exit 1
  fi
  cp "$work/$name-$chosen.ptx" "$out/$name.ptx"
done
