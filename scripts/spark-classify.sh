#!/usr/bin/env bash
# Classifies the images under a folder with jresnet on a local Spark (dev.jresnet.spark.ClassifyJob) and writes
# OUT/parquet and OUT/csv, one row per image (failures included, with their reason).
#
# Usage: scripts/spark-classify.sh IMAGES OUT [--arch NAME | --config FILE] [--weights FILE] [--top K] [--labels FILE]
#        [--max-batch N] [--device auto|gpu|cpu]
# Without --weights it runs resnet18 with seeded random weights (made once under target/spark-example/): the job runs
# end to end, but the classes mean nothing. SPARK_MASTER (default local[2]) picks the local Spark's threads.
#
# Spark is a provided dependency of jresnet: the build downloads it to the local Maven repository but leaves it out of
# target/jresnet.jar, so this script asks Maven once for its class path (kept in target/spark-classpath.txt) and
# starts the JVM with the options Spark needs on Java 17 (spark.jvm.options in pom.xml).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 2 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
fi
jar="$root/target/jresnet.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" "$root/native" -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  (cd "$root" && mvn -q -B -ntp -Dstyle.color=never package -DskipTests) >&2
fi
classpath="$root/target/spark-classpath.txt"
if [ ! -s "$classpath" ] || [ "$root/pom.xml" -nt "$classpath" ]; then
  (cd "$root" && mvn -q -B -ntp -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=provided -Dmdep.outputFile="$classpath") >&2
  touch "$classpath" # Maven leaves an unchanged file as it was
fi
spark_options=$(sed -n 's:.*<spark.jvm.options>\(.*\)</spark.jvm.options>.*:\1:p' "$root/pom.xml")
vector="--add-modules jdk.incubator.vector"

model=()
case " $* " in
  *" --weights "*) ;;
  *)
    weights="$root/target/spark-example/resnet18-seed1.safetensors"
    if [ ! -f "$weights" ]; then
      mkdir -p "$(dirname "$weights")"
      java $vector -jar "$jar" random-weights --arch resnet18 --seed 1 --out "$weights" 2>/dev/null
    fi
    echo "no --weights: resnet18 with seeded random weights ($weights); the classes mean nothing" >&2
    model=(--arch resnet18 --weights "$weights")
    ;;
esac

# Spark's jars first, as spark-submit puts them; jresnet's jar carries the same Jackson version Spark 4.0.1 does.
# shellcheck disable=SC2086
exec java $vector $spark_options -Dspark.master="${SPARK_MASTER:-local[2]}" \
  -Dlog4j2.configurationFile="$root/scripts/spark-log4j2.properties" \
  -cp "$(cat "$classpath"):$jar" dev.jresnet.spark.ClassifyJob "${model[@]}" "$@"
