#!/usr/bin/env bash
# Builds, on this (GPU-less) machine, what the GPU check carries to a lent GPU machine: bundle/ (git-ignored) with
# a jlink'd Java runtime, the jar, the test classes and the JUnit console launcher. The runtime comes from the JDK
# on PATH (JRESNET_BUNDLE_JDK to choose another), stripped to fit the device tool's 64 MiB; Debian's JDK 17 needs
# glibc 2.34+ on the device.
# Usage: scripts/gpu-bundle.sh        then see docs/GPU-CHECKS.md for the device command.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bundle="$root/bundle"
jdk="${JRESNET_BUNDLE_JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
junit_version=1.11.4
console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$junit_version/junit-platform-console-standalone-$junit_version.jar"

mvn -q -B -ntp package -DskipTests
mvn -q -B -ntp test-compile
[ -f "$console" ] || mvn -q -B -ntp dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version"

rm -rf "$bundle"
mkdir -p "$bundle"
# java.desktop: ImageIO; java.sql: Jackson's optional types; jdk.incubator.vector: the fast CPU kernels;
# java.management and jdk.management: the benchmarks' heap figures; jdk.zipfs and jdk.unsupported for libraries.
"$jdk/bin/jlink" --add-modules java.base,java.desktop,java.sql,java.logging,java.management,jdk.management,jdk.unsupported,jdk.zipfs,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$bundle/runtime" 2>/dev/null
# The class-data-sharing archive and the native symbol tables only save start-up time and help debuggers.
rm -f "$bundle"/runtime/lib/server/classes*.jsa
strip --strip-unneeded "$bundle"/runtime/lib/server/libjvm.so "$bundle"/runtime/lib/*.so
cp target/jresnet.jar "$bundle/jresnet.jar"
cp "$console" "$bundle/junit-console.jar"
cp -r target/test-classes "$bundle/test-classes"
du -sh "$bundle"/* | sed 's|'"$root"'/||'
echo "bundle ready: $(du -sm "$bundle" | cut -f1) MiB (the device tool carries at most 64 MiB with the working tree)"
