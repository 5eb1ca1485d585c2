#!/usr/bin/env bash
# The CPU comparison: jresnet's plain and fast kernels against ONNX Runtime (Java API, ALL_OPT) and PyTorch (Debian's
# torch, eager) on the same weights, inputs and thread count; resnet18 and resnet50, batch 1, 8 and 32, 224x224.
# Writes the tables, plots and raw JSON to docs/bench/ and the section between the cpu-bench markers of
# docs/BENCHMARKS.md. Run it on an otherwise idle machine: every figure is wall time.
# Usage: scripts/bench-cpu.sh   (THREADS=N to change the thread count, default all cores)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-oracle.sh
mvn -q -B -ntp -Ppeers package -DskipTests
threads="${THREADS:-$(nproc)}"
jar=target-peers/jresnet-with-peers.jar
mkdir -p docs/bench
section=$(mktemp)
command="scripts/bench-cpu.sh (per model: bench --arch ARCH --backends cpu-plain,cpu-fast,onnxruntime,pytorch --batch 1,8,32 --threads $threads --warmup 1 --reps 10 --max-seconds 30)"
{
  echo "## CPU: jresnet vs ONNX Runtime and PyTorch"
  echo
  echo "Command: \`$command\`"
  echo
} > "$section"
for arch in resnet18 resnet50; do
  java --add-modules jdk.incubator.vector -jar "$jar" bench --arch "$arch" \
    --backends cpu-plain,cpu-fast,onnxruntime,pytorch --batch 1,8,32 --threads "$threads" \
    --warmup 1 --reps 10 --max-seconds 30 --baseline onnxruntime \
    --markdown "docs/bench/cpu-$arch.md" --json "docs/bench/cpu-$arch.json" --plot "docs/bench/cpu-$arch.png" \
    > "docs/bench/cpu-$arch.txt" 2> >(grep -v "^WARNING: Using incubator" >&2)
  {
    echo "### $arch, 224x224, $threads threads"
    echo
    grep -E "^(date|cpu|fp32 FMA peak, [a-z]+|jvm|vector api|repetitions):" "docs/bench/cpu-$arch.txt" | sed 's/^/- /'
    echo
    cat "docs/bench/cpu-$arch.md"
    echo
    echo "![throughput]($(basename "docs/bench/cpu-$arch.png"))" | sed 's|(|(bench/|'
    echo
  } >> "$section"
done
python3 scripts/replace_section.py cpu-bench "$section"
echo "wrote docs/BENCHMARKS.md and docs/bench/cpu-*"
