#!/usr/bin/env bash
# The test command: installs what the tests need (the torchvision oracle), then runs the JUnit suite with Maven, and
# ends with the suite's totals (the fuzzers' chatter comes before them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-oracle.sh
status=0
mvn -B -ntp verify "$@" || status=$?
python3 - <<'PY' || true
import glob, xml.etree.ElementTree as ET
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
fuzz = 0
for f in glob.glob("target/surefire-reports/TEST-*.xml"):
    suite = ET.parse(f).getroot()
    for k in totals:
        totals[k] += int(suite.get(k, 0))
    if ".fuzz." in suite.get("name", ""):
        fuzz += int(suite.get("tests", 0))
print(f"\ntests: {totals['tests']} run ({fuzz} of them fuzz tests), {totals['failures']} failed, "
      f"{totals['errors']} errors, {totals['skipped']} skipped")
PY
exit $status
