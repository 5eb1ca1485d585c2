#!/usr/bin/env bash
# The soak benchmark: thousands of batches through one resnet18, memory reported at intervals (Java heap after GC,
# direct buffers, resident set, pinned pages, free GPU memory), at 64x64 (many small batches) and 224x224.
# Writes docs/bench/soak-DEVICE.txt and the soak-DEVICE section of docs/BENCHMARKS.md.
# Usage: scripts/soak.sh [cpu|gpu]   (default cpu; BATCHES_64 and BATCHES_224 change the counts)
set -euo pipefail
cd "$(dirname "$0")/.."
device="${1:-cpu}"
small="${BATCHES_64:-5000}"
large="${BATCHES_224:-1000}"
out="docs/bench/soak-$device.txt"
mkdir -p docs/bench
{
  scripts/run.sh soak --arch resnet18 --device "$device" --batches "$small" --batch 4 --size 64 --every 500
  echo
  scripts/run.sh soak --arch resnet18 --device "$device" --batches "$large" --batch 8 --size 224 --every 100
} 2> >(grep -v "^WARNING: Using incubator" >&2) | tee "$out"
section=$(mktemp)
{
  echo "## Soak: resnet18 on the $device"
  echo
  echo "Command: \`scripts/soak.sh $device\` ($small batches of 4 at 64x64, then $large batches of 8 at 224x224;"
  echo "seeded weights). Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores;"
  echo "$(java -version 2>&1 | head -1); $(date -u +%Y-%m-%d)."
  echo
  echo '```'
  cat "$out"
  echo '```'
} > "$section"
python3 scripts/replace_section.py "soak-$device" "$section"
echo "wrote $out and the soak-$device section of docs/BENCHMARKS.md"
