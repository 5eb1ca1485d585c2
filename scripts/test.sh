#!/usr/bin/env bash
# The test command: installs what the tests need (the torchvision oracle), then runs the JUnit suite with Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-oracle.sh
exec mvn -B -ntp verify "$@"
