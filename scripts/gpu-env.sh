# Sourced by the device scripts (gpu-check.sh, gpu-bench.sh) from the repository root: sets out (from $OUT or the
# given default folder), java (the bundle's runtime), py, and the NVIDIA wheel lib folders of the machine's
# PyTorch as JRESNET_LIBRARY_PATH and on LD_LIBRARY_PATH. Exits 2 when bundle/ is missing.
# Usage: source scripts/gpu-env.sh DEFAULT_OUT_FOLDER_NAME
out="${OUT:-$PWD/$1}"
mkdir -p "$out"
java=bundle/runtime/bin/java
py="${JRESNET_PYTHON:-python3}"
[ -x "$java" ] || { echo "no bundle/: run scripts/gpu-bundle.sh first (and carry bundle)" >&2; exit 2; }
libs=$("$py" - <<'PY' 2>/dev/null
import glob, os, site
roots = site.getsitepackages() + [site.getusersitepackages()]
print(":".join(d for r in roots for d in sorted(glob.glob(os.path.join(r, "nvidia", "*", "lib")))))
PY
)
export JRESNET_LIBRARY_PATH="$libs"
export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
