#!/usr/bin/env bash
# The GPU benchmark with its parity check, in one call on a GPU machine: from the repository root with bundle/ beside
# it (scripts/gpu-bundle.sh, run here first), e.g. run(command="scripts/gpu-bench.sh", carry=["bundle"], timeout_s=600).
# Sized to finish in about 9 minutes on an H100/H200:
#   1. the machine: date, GPU, driver, PyTorch, cuDNN;
#   2. parity: our logits against torchvision fp32 on this machine (resnet50, batch 8, 224x224, random weights with
#      randomized BatchNorm): fp32 both schedules within 1e-5, tf32 within 5e-3, fp16 and bf16 within 2e-2;
#   3. bench, same weights and inputs, one process per model: ours (fp32 both schedules, tf32, fp16, bf16, fp16 from
#      8-bit images, fp16 without CUDA graphs) against PyTorch's CUDA modes (eager fp32 with TF32 off and on, fp16
#      channels-last, torch.compile max-autotune of that, each with and without CUDA graphs): resnet50 at batches 1, 8,
#      64, 256, resnet18 at 1 and 256; whatever would start past the time budget is skipped and listed;
#   4. the section between the gpu-bench markers of docs/BENCHMARKS.md, written here and copied under $OUT (default
#      ./gpu-bench-out) with the raw tables, JSON and logs, since only $OUT comes back from a device call.
# Every figure is wall time of whole calls: the float32 batch (or 8-bit images) in from host memory, logits out.
# Exits non-zero when parity fails or a benchmark could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/gpu-env.sh gpu-bench-out
export JRESNET_CACHE_DIR="$out/cache"
budget=${GPU_BENCH_SECONDS:-540}
jresnet=("$java" --add-modules jdk.incubator.vector -jar bundle/jresnet.jar)
status=0
left() { echo $((budget - SECONDS)); }

{
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)"
  echo "- $("$py" -c "import torch, torchvision; print('torch', torch.__version__, '(CUDA', torch.version.cuda, 'cuDNN', torch.backends.cudnn.version(), '), torchvision', torchvision.__version__)" 2>&1 | tail -1)"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
} > "$out/machine.md"

# 2. Parity against torchvision fp32.
tmp=$(mktemp -d)
"${jresnet[@]}" random-weights --arch resnet50 --seed 7 --out "$tmp/w.safetensors" 2>>"$out/parity.log"
"$py" -c "import numpy as np; np.save('$tmp/x.npy', np.random.RandomState(7).standard_normal((8, 3, 224, 224)).astype(np.float32))"
PYTHONPATH=scripts "$py" scripts/torchvision_oracle.py --arch resnet50 --weights "$tmp/w.safetensors" --input "$tmp/x.npy" \
  --output "$tmp/torch.npy" 2>>"$out/parity.log" || status=1
for run in "fused fp32 1e-5" "reference fp32 1e-5" "fused tf32 5e-3" "fused fp16 2e-2" "fused bf16 2e-2"; do
  set -- $run
  label="resnet50 $1 $2 vs torchvision fp32 (batch 8, 224x224):"
  if "${jresnet[@]}" infer --device gpu --schedule "$1" --precision "$2" --arch resnet50 --weights "$tmp/w.safetensors" \
      --input "$tmp/x.npy" --output "$tmp/$1-$2.npy" 2>>"$out/parity.log"; then
    "$py" scripts/compare_logits.py "$tmp/$1-$2.npy" "$tmp/torch.npy" --tolerance "$3" --label "$label" \
      >> "$out/parity.md" 2>>"$out/parity.log" || status=1
  else
    echo "$label infer failed (parity.log says why)" >> "$out/parity.md"
    status=1
  fi
done
rm -rf "$tmp"

# 3. The benchmark, one model at a time.
bench() { # ARCH BATCHES BACKENDS SECONDS
  "${jresnet[@]}" bench --arch "$1" --batch "$2" --backends "$3" --warmup 3 --reps 20 --max-seconds 2 \
    --time-budget "$4" --baseline torch-fp32 --markdown "$out/bench-$1.md" --json "$out/bench-$1.json" \
    > "$out/bench-$1.txt" 2> "$out/bench-$1.log" || status=1
}
ours=gpu-fused,gpu-reference,gpu-fused-tf32,gpu-fused-fp16,gpu-fused-bf16,gpu-fused-fp16-u8,gpu-fused-fp16-nographs
torch=torch-fp32,torch-fp32-graphs,torch-tf32,torch-tf32-graphs,torch-fp16-cl,torch-fp16-cl-graphs
compiled=torch-compile-fp16-cl-graphs,torch-compile-fp16-cl
bench resnet50 1,8,64,256 "$ours,$torch,$compiled" $(( $(left) - 150 ))
bench resnet18 1,256 "gpu-fused,gpu-fused-fp16,gpu-fused-fp16-u8,torch-fp32-graphs,torch-fp16-cl-graphs,$compiled" $(( $(left) - 20 ))

# 4. The section of docs/BENCHMARKS.md.
section="$out/gpu-bench-section.md"
{
  echo "## GPU: jresnet vs PyTorch on the same GPU"
  echo
  echo "Command: \`scripts/gpu-bench.sh\` (one device call; bench: --warmup 3 --reps 20 --max-seconds 2, baseline torch-fp32)."
  echo "Wall time of whole calls: the float32 batch (or 8-bit images, -u8) from host memory to logits in host memory."
  echo "TFLOP/s counts the model's convolutions and classifier (2 x multiply-adds); of peak: against the GPU's dense"
  echo "datasheet peak in the row's precision (fp32 on the ordinary cores, the others on tensor cores)."
  echo
  cat "$out/machine.md"
  echo
  echo "### Parity against torchvision fp32"
  echo
  sed 's/^/- /' "$out/parity.md"
  for arch in resnet50 resnet18; do
    echo
    echo "### $arch, 224x224"
    echo
    cat "$out/bench-$arch.md" 2>/dev/null || echo "(did not run: see bench-$arch.log)"
    grep -h '^skipped ' "$out/bench-$arch.log" 2>/dev/null | sed 's/^/- /'
  done
} > "$section"
"$py" scripts/replace_section.py gpu-bench "$section"
cp docs/BENCHMARKS.md "$out/BENCHMARKS.md"
cat "$section"
echo "took ${SECONDS} s"
exit $status
