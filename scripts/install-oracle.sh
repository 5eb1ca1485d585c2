#!/usr/bin/env bash
# Installs the test oracle: Debian's torch and torchvision for /usr/bin/python3. Does nothing when they import.
set -euo pipefail
PY=${JRESNET_PYTHON:-/usr/bin/python3}
if "$PY" -c "import torch, torchvision, numpy" 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "install-oracle: $PY lacks torch/torchvision and this user cannot apt-get install them;" >&2
  echo "  run: sudo apt-get install python3-torch python3-torchvision python3-numpy   (oracle tests will be skipped)" >&2
  exit 0
fi
echo "install-oracle: installing Debian's python3-torch and python3-torchvision (about a minute)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends python3-torch python3-torchvision python3-numpy >/dev/null
"$PY" -c "import torch, torchvision; print('install-oracle: torch', torch.__version__, 'torchvision', torchvision.__version__)" >&2
