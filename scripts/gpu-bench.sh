#!/usr/bin/env bash
# The GPU figures, run on a GPU machine from the repository root with bundle/ beside it, after scripts/gpu-check.sh
# passed (docs/GPU-CHECKS.md has the device command): bench of both GPU schedules against the fast CPU kernels on the
# same weights and inputs (resnet18 and resnet50, 224x224, batches 1, 8, 64, 256), then the GPU soak. Writes under
# $OUT (default ./gpu-bench-out); copy the tables into docs/BENCHMARKS.md with the machine line from machine.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/gpu-env.sh gpu-bench-out
jresnet=("$java" --add-modules jdk.incubator.vector -jar bundle/jresnet.jar)
status=0
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  nproc
} > "$out/machine.txt"
for arch in resnet18 resnet50; do
  "${jresnet[@]}" bench --arch "$arch" --backends gpu-fused,gpu-reference,cpu-fast --batch 1,8,64,256 \
    --warmup 3 --reps 20 --max-seconds 20 --baseline gpu-fused --markdown "$out/bench-$arch.md" \
    --json "$out/bench-$arch.json" > "$out/bench-$arch.txt" 2>&1 || status=1
done
"${jresnet[@]}" soak --arch resnet18 --device gpu --batches 5000 --batch 4 --size 64 --every 500 > "$out/soak-gpu.txt" 2>&1 || status=1
cat "$out"/machine.txt "$out"/bench-*.md "$out"/soak-gpu.txt
exit $status
