#!/usr/bin/env bash
# The one-command GPU check, run on a GPU machine from the repository root with bundle/ beside it (made by
# scripts/gpu-bundle.sh; docs/GPU-CHECKS.md has the device command). Finds the NVIDIA libraries of the machine's
# PyTorch wheels, runs `doctor`, the GPU tests on the real GPU (the same tests CI runs on the simulated GPU: parity
# of both schedules with the CPU path, CUDA graphs, leaks, memory limits, fault handling is simulator-only),
# the parity check against that machine's torchvision, and writes a report under $OUT (default ./gpu-check-out).
# Exits non-zero when any part failed. On a machine without an NVIDIA driver the GPU tests run on the simulated GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/gpu-env.sh gpu-check-out
status=0

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "nvidia-smi: not available"
  "$py" -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__, 'CUDA', torch.version.cuda, 'cuDNN', torch.backends.cudnn.version())" 2>&1
  echo "NVIDIA wheel lib folders: $libs"
} > "$out/machine.txt"

"$java" -jar bundle/jresnet.jar doctor > "$out/doctor.txt" 2>&1
gpu=$?
# A machine with an NVIDIA driver but no usable GPU path is a failure; a machine without one is just GPU-less.
if [ "$gpu" -ne 0 ] && command -v nvidia-smi >/dev/null; then status=1; fi

# The GPU tests, and the GPU-free tests of the GPU package, from the bundle. JRESNET_GPU=real runs the GPU tests on
# this machine's GPU (in CI they run on the simulated one); their names end with the device that ran them.
if command -v nvidia-smi >/dev/null; then gpu_tests=real; else gpu_tests=simulated; fi
echo "GPU tests on: $gpu_tests GPU" >> "$out/machine.txt"
JRESNET_GPU=$gpu_tests "$java" -Xmx16g -Djresnet.test.classpath=bundle/test-classes:bundle/jresnet.jar:bundle/junit-console.jar \
  -jar bundle/junit-console.jar execute --disable-banner --details=tree \
  --class-path bundle/test-classes:bundle/jresnet.jar --select-package dev.jresnet.gpu \
  --exclude-tag jazzer --reports-dir "$out/junit" > "$out/gpu-tests.txt" 2>&1 || status=1

# Our GPU logits against torchvision's on this machine (CPU, fp32), same weights and inputs.
if [ "$gpu" -eq 0 ]; then
  tmp=$(mktemp -d)
  for arch in resnet18 resnet50; do
    "$java" -jar bundle/jresnet.jar random-weights --arch "$arch" --seed 7 --out "$tmp/$arch.safetensors" 2>>"$out/parity.log"
    "$py" -c "import numpy as np; np.save('$tmp/x.npy', np.random.RandomState(7).standard_normal((8, 3, 224, 224)).astype(np.float32))"
    PYTHONPATH=scripts "$py" scripts/torchvision_oracle.py --arch "$arch" --weights "$tmp/$arch.safetensors" \
      --input "$tmp/x.npy" --output "$tmp/$arch.torch.npy" 2>>"$out/parity.log" || status=1
    for schedule in fused reference; do
      "$java" -jar bundle/jresnet.jar infer --device gpu --schedule "$schedule" --arch "$arch" \
        --weights "$tmp/$arch.safetensors" --input "$tmp/x.npy" --output "$tmp/$arch.$schedule.npy" 2>>"$out/parity.log" || status=1
      "$py" scripts/compare_logits.py "$tmp/$arch.$schedule.npy" "$tmp/$arch.torch.npy" \
        --label "$arch gpu $schedule vs torchvision (batch 8, 224x224, fp32):" >> "$out/parity.txt" 2>&1 || status=1
    done
  done
  rm -rf "$tmp"
else
  echo "no GPU on this machine: parity against torchvision not run" > "$out/parity.txt"
fi

{
  echo "# GPU check"
  echo; echo '```'; cat "$out/machine.txt"; echo '```'
  echo; echo "## doctor (exit $gpu)"; echo '```'; cat "$out/doctor.txt"; echo '```'
  echo; echo "## GPU tests"; echo '```'; grep -E "tests (successful|failed|skipped|aborted)|containers failed" "$out/gpu-tests.txt"; echo '```'
  grep -h "gpu parity" "$out/gpu-tests.txt" | sed 's/^/    /'
  echo; echo "## Parity against torchvision"; echo '```'; cat "$out/parity.txt"; echo '```'
} > "$out/report.md"
cat "$out/report.md"
exit $status
