#!/usr/bin/env bash
# Builds the jar when it is missing or older than the sources, then runs jresnet with the given arguments
# (none: the embedded default job).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/target/jresnet.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" "$root/native" -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  (cd "$root" && mvn -q -B -ntp package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true) >&2
fi
exec java --add-modules jdk.incubator.vector -jar "$jar" "$@"
