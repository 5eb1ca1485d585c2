#!/usr/bin/env bash
# Shows that the simulated GPU has teeth: plants one deliberate bug at a time in a scratch copy of the committed tree,
# runs the CI test that should catch it, and reports whether it failed (it must) and with what. The table it prints
# goes into docs/GPU-CHECKS.md. Not part of CI (each bug recompiles the project: about two minutes a bug).
# Usage: scripts/simulator-teeth.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# A plain copy of the committed tree (no worktree: nothing is registered in the repository).
mkdir -p "$scratch/tree" "$scratch/pristine"
git -C "$root" archive HEAD | tar -x -C "$scratch/tree"
git -C "$root" archive HEAD | tar -x -C "$scratch/pristine"

# Each bug: a name, the file, the exact text and its replacement, and the test that must fail.
python3 - "$scratch/tree" <<'EOF' > "$scratch/bugs.tsv"
import sys
bugs = [
    ("two convolution descriptor arguments swapped (padding and stride)",
     "src/main/java/dev/jresnet/gpu/internal/Descriptors.java",
     "s.padH(), s.padW(), s.strideH(), s.strideW(),", "s.strideH(), s.padW(), s.padH(), s.strideW(),",
     "MultiGpuTest"),
    ("the classifier GEMM's transpose flag flipped",
     "src/main/java/dev/jresnet/gpu/internal/ClassifierStep.java",
     "cublasOperation.CUBLAS_OP_T, cublasOperation.CUBLAS_OP_N,", "cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N,",
     "MultiGpuTest"),
    ("two kernel parameters swapped (the residual add's first input and its output)",
     "src/main/java/dev/jresnet/gpu/internal/Kernels.java",
     "Pointer.to(Pointer.to(a), Pointer.to(b), Pointer.to(out),", "Pointer.to(Pointer.to(out), Pointer.to(b), Pointer.to(a),",
     "GpuParityTest#variantsMatchTheCpu"),
    ("an activation buffer one sample too small",
     "src/main/java/dev/jresnet/gpu/internal/GpuExecutor.java",
     "DeviceFootprint.bufferBytesPerElement(plan, precision, b) * maxBatch,",
     "DeviceFootprint.bufferBytesPerElement(plan, precision, b) * (maxBatch - 1),",
     "MultiGpuTest"),
    ("the output read before its download is waited for",
     "src/main/java/dev/jresnet/gpu/internal/BatchPipeline.java",
     "        sync(s.downloaded, \"the download of chunk \" + k);\n        int perSample = (int) (outBytesPerSample / 4);\n"
     "        s.hostOut.floats().get(out, k * maxBatch * perSample, count(k, n) * perSample);\n",
     "        int perSample = (int) (outBytesPerSample / 4);\n"
     "        s.hostOut.floats().get(out, k * maxBatch * perSample, count(k, n) * perSample);\n"
     "        sync(s.downloaded, \"the download of chunk \" + k);\n",
     "MultiGpuTest"),
    ("the compute stream not waiting for a chunk's upload (copy stream)",
     "src/main/java/dev/jresnet/gpu/internal/BatchPipeline.java",
     "        waitOn(ctx.stream, s.uploaded, \"the compute stream\");\n", "",
     "GpuParityTest#batchesLargerThanTheMaximumAreSplit"),
    ("pinned staging refilled before its previous upload is waited for",
     "src/main/java/dev/jresnet/gpu/internal/BatchPipeline.java",
     "        sync(s.uploaded, \"the previous upload from slot \" + i);\n", "",
     "GpuParityTest#batchesLargerThanTheMaximumAreSplit"),
    ("a chunk's download not waiting for its compute",
     "src/main/java/dev/jresnet/gpu/internal/BatchPipeline.java",
     "        waitOn(copy, s.computed, \"the copy stream\");\n", "",
     "GpuParityTest#batchesLargerThanTheMaximumAreSplit"),
    ("16-bit filters uploaded in NCHW order under an NHWC descriptor",
     "src/main/java/dev/jresnet/gpu/internal/ConvStep.java",
     "float[] w = precision.channelsLast() ? channelsLast(", "float[] w = false ? channelsLast(",
     "GpuPrecisionTest#sixteenBitRunsAreTheCpusEmulationOfThem"),
    ("the 16-bit classifier's weights uploaded as float32",
     "src/main/java/dev/jresnet/gpu/internal/ClassifierStep.java",
     "return List.of(new DeviceParameters.Host(linear.name() + \".weight\", precision.encode(w)));",
     "return List.of(new DeviceParameters.Host(linear.name() + \".weight\", DevicePrecision.FP32.encode(w)));",
     "GpuPrecisionTest#sixteenBitRunsAreTheCpusEmulationOfThem"),
    ("the fp32 classifier's GEMM allowed TF32",
     "src/main/java/dev/jresnet/gpu/internal/DevicePrecision.java",
     "cublasComputeType.CUBLAS_COMPUTE_32F, \"f32\", 7),", "cublasComputeType.CUBLAS_COMPUTE_32F_FAST_TF32, \"f32\", 7),",
     "GpuParityTest#resnet18AtFullSizeMatchesTheCpu"),
    ("shared parameters freed when any one of their networks closes",
     "src/main/java/dev/jresnet/gpu/internal/DeviceParameters.java",
     "if (--users == 0) {", "if (--users >= 0) {",
     "SharedWeightsTest"),
]
for name, file, old, new, test in bugs:
    # Fields split by the unit separator, not a tab: a tab is whitespace to read, which would merge an empty field.
    print("\x1f".join([name, file, old.encode("unicode_escape").decode(), new.encode("unicode_escape").decode(), test]))
EOF

printf '| deliberate bug | test run | result |\n|---|---|---|\n'
while IFS=$'\x1f' read -r name file old new test; do
  cp -r "$scratch/pristine/src" "$scratch/tree/"
  (cd "$scratch/tree" && python3 - "$file" "$old" "$new" <<'EOF'
import sys
path, old, new = sys.argv[1], sys.argv[2].encode().decode("unicode_escape"), sys.argv[3].encode().decode("unicode_escape")
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"{path}: the text to break is not there exactly once; update scripts/simulator-teeth.sh")
open(path, "w").write(text.replace(old, new))
EOF
  )
  log="$scratch/run.log"
  if (cd "$scratch/tree" && mvn -q -o -B test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1); then
    result="**NOT CAUGHT**: the test passed"
  else
    first=$(grep -m1 -E "^(dev\.jresnet|org\.opentest4j)[.A-Za-z0-9_$]*(Exception|Error|Fault)" "$log" | cut -c1-260 | sed 's/|/\\|/g' || true)
    result="caught: ${first:-see the test log}"
  fi
  printf '| %s | `%s` | %s |\n' "$name" "$test" "$result"
done < "$scratch/bugs.tsv"
