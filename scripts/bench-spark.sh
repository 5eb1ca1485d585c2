#!/usr/bin/env bash
# What Spark costs: the same images through jresnet's classify command (one JVM, no Spark) and through the Spark job
# (scripts/spark-classify.sh on local[2]), on the same two cores (taskset -c 0,1), the same weights and the same max
# batch; each run REPS times, alternating, and the medians kept. Wall time is the whole process (JVM start, weights,
# Spark's start and the CSV for the job); "in the process" is what each prints itself: classify from the model's build
# to its last image, the job from listing the folder to the Parquet written (the network's whole stage; Spark's start
# and the CSV made from the Parquet excluded). Writes the section between the spark-bench markers of
# docs/BENCHMARKS.md, with the machine, the date and the load average (the machine may be shared: run it when
# `uptime` says it is quiet).
# Usage: scripts/bench-spark.sh   (IMAGES=N images of 500x375, default 500; REPS=N, default 3; ARCH, default resnet18)
set -euo pipefail
cd "$(dirname "$0")/.."
load_before=$(cut -d' ' -f1-3 /proc/loadavg) # before this script's own work
images="${IMAGES:-500}"
reps="${REPS:-3}"
arch="${ARCH:-resnet18}"
work=target/bench-spark
mkdir -p "$work"
mvn -q -B -ntp package -DskipTests >&2
jar=target/jresnet.jar
vector="--add-modules jdk.incubator.vector"
if [ "$(find "$work/images" -name '*.jpg' 2>/dev/null | wc -l)" -ne "$images" ]; then
  rm -rf "$work/images"
  java scripts/SyntheticImages.java "$work/images" "$images"
fi
weights="$work/$arch-seed1.safetensors"
[ -f "$weights" ] || java $vector -jar "$jar" random-weights --arch "$arch" --seed 1 --out "$weights" 2>/dev/null
scripts/spark-classify.sh "$work/images" "$work/warm-up" --arch "$arch" --weights "$weights" >/dev/null 2>&1 # the class path

calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
: > "$work/runs.txt"
for rep in $(seq "$reps"); do
  start=$(date +%s.%N)
  taskset -c 0,1 java $vector -jar "$jar" classify --arch "$arch" --weights "$weights" --batch 32 --format csv "$work/images" \
    > "$work/classify.csv" 2> "$work/classify.err"
  end=$(date +%s.%N)
  inside=$(sed -n 's/.* classified in \([0-9.]*\) s .*/\1/p' "$work/classify.err")
  echo "classify $rep $(calc "$end - $start") $inside" >> "$work/runs.txt"

  start=$(date +%s.%N)
  SPARK_MASTER='local[2]' taskset -c 0,1 scripts/spark-classify.sh "$work/images" "$work/out" --arch "$arch" --weights "$weights" \
    --max-batch 32 > "$work/spark.out" 2> "$work/spark.err"
  end=$(date +%s.%N)
  inside=$(sed -n 's/.* written as Parquet in \([0-9.]*\) s .*/\1/p' "$work/spark.out")
  echo "spark $rep $(calc "$end - $start") $inside" >> "$work/runs.txt"
done
# The network alone on the same cores and batch (preprocessed tensors, no decoding): what the images cost beyond it.
taskset -c 0,1 java $vector -jar "$jar" bench --arch "$arch" --backends cpu-fast --batch 32 --threads 2 --warmup 1 --reps 5 \
  --max-seconds 20 > "$work/network.txt" 2>/dev/null
network=$(awk '$1 == "cpu-fast" && $2 == 32 { print $5 }' "$work/network.txt")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$work/runs.txt" >&2

median() { # KIND COLUMN
  awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$work/runs.txt" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
rate() { awk "BEGIN { printf \"%.1f\", $images / $1 }"; }
cli_wall=$(median classify 3); cli_in=$(median classify 4)
spark_wall=$(median spark 3); spark_in=$(median spark 4)
ok=$(grep -c ',ok,' "$work/out/csv/"*.csv || true)

section=$(mktemp)
{
  echo "## Spark: the job in local[2] against classify, same images and cores"
  echo
  echo "Command: \`scripts/bench-spark.sh\` (IMAGES=$images REPS=$reps ARCH=$arch): per repetition, alternating,"
  echo "\`taskset -c 0,1 java --add-modules jdk.incubator.vector -jar target/jresnet.jar classify --arch $arch --weights W --batch 32 --format csv DIR\`"
  echo "and \`SPARK_MASTER='local[2]' taskset -c 0,1 scripts/spark-classify.sh DIR OUT --arch $arch --weights W --max-batch 32\`"
  echo "(Spark $(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' pom.xml), binaryFile source, ResNetTransformer, Parquet then one CSV file)."
  echo
  echo "- date: $date"
  echo "- cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores available (lscpu: $(lscpu | sed -n 's/^CPU(s): *//p') CPUs)"
  echo "- jvm: $(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.vm.name = //p') $(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.runtime.version = //p')"
  echo "- load average (1, 5, 15 min) before the script: $load_before; after the runs: $load_after (the runs themselves keep two cores busy)"
  echo "- images: $images synthetic JPEGs of 500x375 (\`java scripts/SyntheticImages.java DIR $images\`), $arch with seeded random weights, torchvision's 256/224 transform; $ok of $images ok in the Spark job's CSV"
  echo "- medians of $reps runs; every run: $(awk '{ printf "%s%s %.1f s", (NR > 1 ? ", " : ""), $1, $3 }' "$work/runs.txt")"
  echo
  echo "In the process: classify from building the model to its last image; the job from listing the folder to the"
  echo "Parquet written (Spark's start, and the CSV made from the Parquet afterwards, are in the wall time only)."
  echo
  echo "| run | wall s (whole process) | images/s (wall) | s in the process | images/s (in the process) |"
  echo "|---|---:|---:|---:|---:|"
  echo "| classify, one JVM | $(printf %.1f "$cli_wall") | $(rate "$cli_wall") | $(printf %.1f "$cli_in") | $(rate "$cli_in") |"
  echo "| Spark job, local[2] | $(printf %.1f "$spark_wall") | $(rate "$spark_wall") | $(printf %.1f "$spark_in") | $(rate "$spark_in") |"
  echo "| Spark / classify | $(calc "$spark_wall / $cli_wall") x the time | | $(calc "$spark_in / $cli_in") x the time | |"
  echo
  echo "The network alone on the same two cores (\`bench --arch $arch --backends cpu-fast --batch 32 --threads 2\`, preprocessed"
  echo "tensors): $network images/s, $(calc "1000 / $network") ms an image; so classify spends $(calc "1000 * $cli_in / $images - 1000 / $network") ms an image"
  echo "on the rest (reading, decoding and resizing the JPEG, on the same cores), and the Spark job, up to its Parquet, $(calc "1000 * $spark_in / $images - 1000 / $network") ms."
} > "$section"
cat "$section"
python3 scripts/replace_section.py spark-bench "$section"
echo "wrote the spark-bench section of docs/BENCHMARKS.md" >&2
