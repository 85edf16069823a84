#!/usr/bin/env bash
# Runs bench/gpu-merge.ts on the lent GPU machine (no Node, no npm, no internet there), from the repo root,
# out of what scripts/gpu-bench-pack.sh packed here into .gpu-bench/ and .gl/ (both ignored, so carried).
#
# Here, first:  bash scripts/gpu-bench-pack.sh
# Then the device tool's call:
#   run(command="bash scripts/gpu-bench-device.sh", carry=[".gpu-bench", ".gl"], timeout_s=420)
# Back under $OUT: gpu-merge.json, gpu-merge.log (the bench), device.log (all of it), vk-loader.log (only when
# no adapter was found).
#
# Arguments go to the bench and replace the defaults they name:
#   default --size 6000x4000 --tone-size 1920x1080 --runs 5 --json $OUT/gpu-merge.json
#   e.g. bash scripts/gpu-bench-device.sh --size 3000x2000 --runs 3 --no-cpu
# Environment:
#   OUT                     where results go (default /tmp/gpu-bench-out)
#   LUXFUSE_SKIP_GL=1       do not install the .gl debs (local tests)
#   LUXFUSE_GL_ROOT=DIR     dpkg -x the .gl debs into DIR (default /, then ldconfig) and, unless /, put
#                           DIR/usr/lib/x86_64-linux-gnu first on LD_LIBRARY_PATH
#   LUXFUSE_BENCH_TIMEOUT   seconds the bench may run (default 380), so the logs come back before the call's limit
#   VK_ICD_FILENAMES / VK_DRIVER_FILES / LD_LIBRARY_PATH are kept when set; else the NVIDIA driver's
#   /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json is named when it exists.
# Local test without a GPU (SwiftShader from Chromium; the unpacked node is used, not the system's):
#   env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp OUT=/tmp/devout LUXFUSE_GL_ROOT=/tmp/devgl \
#     LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
#     bash scripts/gpu-bench-device.sh --size 256x192 --tone-size 320x240 --runs 1 --software
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OUT=${OUT:-/tmp/gpu-bench-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/device.log") 2>&1

say() { echo "gpu-bench-device: $*"; }
die() { say "ERROR: $*"; exit 1; }

PACK=$ROOT/.gpu-bench/bench.tar.xz
DEST=/tmp/luxfuse-gpu-bench
[ -f "$PACK" ] || die "no $PACK: run scripts/gpu-bench-pack.sh on the dev machine and carry .gpu-bench"
PY=$(command -v python3 || true)
[ -n "$PY" ] || die "no python3 to unpack $PACK"
say "$(uname -srm); $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}"); $(nproc) CPUs; OUT=$OUT"

# 1. Unpack Node, the bundle and its packages into /tmp (never into the repo).
rm -rf "$DEST"
mkdir -p "$DEST"
t0=$(date +%s)
"$PY" - "$PACK" "$DEST" <<'PYEOF'
import sys, tarfile
with tarfile.open(sys.argv[1], 'r:xz') as t:
    if hasattr(tarfile, 'tar_filter'):
        t.extractall(sys.argv[2], filter='tar')
    else:
        t.extractall(sys.argv[2])
PYEOF
say "unpacked into $DEST in $(($(date +%s) - t0)) s"
sed -n '1,2p' "$DEST/MANIFEST.txt"
NODE=$DEST/node
[ -x "$NODE" ] || die "no executable $NODE in the pack"

# 2. The Vulkan/GL loaders (the device tool's README: dpkg -x into /, then ldconfig).
if [ "${LUXFUSE_SKIP_GL:-0}" = 1 ]; then
  say "LUXFUSE_SKIP_GL=1: .gl debs not installed"
else
  GLROOT=${LUXFUSE_GL_ROOT:-/}
  shopt -s nullglob
  debs=("$ROOT"/.gl/*.deb)
  shopt -u nullglob
  if [ ${#debs[@]} -eq 0 ]; then
    say "WARNING: no .gl/*.deb (carry .gl); relying on the system's Vulkan loader"
  else
    mkdir -p "$GLROOT"
    for f in "${debs[@]}"; do
      if command -v dpkg >/dev/null; then
        dpkg -x "$f" "$GLROOT"
      else # ar archive holding data.tar.{xz,gz}
        "$PY" - "$f" "$GLROOT" <<'PYEOF'
import io, sys, tarfile
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'!<arch>\n', 'not a .deb'
i = 8
while i < len(b):
    name, size = b[i:i + 16].decode().strip().rstrip('/'), int(b[i + 48:i + 58])
    if name.startswith('data.tar'):
        tarfile.open(fileobj=io.BytesIO(b[i + 60:i + 60 + size])).extractall(sys.argv[2])
        break
    i += 60 + size + (size & 1)
else:
    sys.exit('no data.tar in ' + sys.argv[1])
PYEOF
      fi
    done
    if [ "$GLROOT" = / ]; then
      ldconfig 2>/dev/null || /sbin/ldconfig || say "WARNING: ldconfig failed"
    else
      export LD_LIBRARY_PATH=$GLROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    fi
    say "installed ${#debs[@]} .gl debs into $GLROOT: $(cd "$ROOT/.gl" && ls | sed 's/_.*//' | tr '\n' ' ')"
  fi
fi
( ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true ) | grep -E 'libvulkan\.so\.1|libGLX_nvidia|libEGL_nvidia' | sed 's/^/  ldconfig: /' || say "ldconfig knows no libvulkan/libGLX_nvidia"

# 3. A Vulkan driver: kept if named; else the NVIDIA one where the container mounts it.
NV=/usr/local/nvidia
for d in "$NV/lib64" "$NV/lib"; do
  if [ -d "$d" ] && [[ ":${LD_LIBRARY_PATH:-}:" != *":$d:"* ]]; then export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d; fi
done
if [ -n "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  say "driver named by the environment: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-}}"
elif [ -f "$NV/share/vulkan/icd.d/nvidia_icd.json" ]; then
  export VK_DRIVER_FILES=$NV/share/vulkan/icd.d/nvidia_icd.json VK_ICD_FILENAMES=$NV/share/vulkan/icd.d/nvidia_icd.json
  if [ -f "$NV/share/glvnd/egl_vendor.d/10_nvidia.json" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=$NV/share/glvnd/egl_vendor.d/10_nvidia.json; fi
  say "driver: VK_DRIVER_FILES=$VK_DRIVER_FILES"
else
  say "no $NV/share/vulkan/icd.d/nvidia_icd.json; the loader searches its own paths"
fi
say "ICDs present: $( (ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d "$NV/share/vulkan/icd.d" 2>/dev/null || true) | grep json | tr '\n' ' ')"
say "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
if command -v nvidia-smi >/dev/null; then nvidia-smi -L || true; else say "no nvidia-smi"; fi

# 4. Node runs? (Else it lacks libstdc++/libgcc_s: the pack's copies serve.)
if ! "$NODE" -e 0 2>/dev/null; then
  export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$DEST/lib
  "$NODE" -e 0 || die "the packed Node does not start here (see above)"
  say "using the pack's libstdc++/libgcc_s"
fi
"$NODE" -p '`node ${process.version} at ${process.execPath}`'

# 5. Which WebGPU adapter Dawn sees, before the long run; the loader's own account when none.
PROBE="import { create } from '$DEST/node_modules/webgpu/index.js';
const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
if (!a) { console.log('probe: NO WebGPU adapter'); process.exit(3); }
const i = a.info ?? {};
console.log('probe: adapter', JSON.stringify({ vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, fallback: a.isFallbackAdapter ?? i.isFallbackAdapter }));
process.exit(0);"
if ! "$NODE" --input-type=module -e "$PROBE"; then
  say "no adapter: the Vulkan loader's log goes to $OUT/vk-loader.log"
  VK_LOADER_DEBUG=all "$NODE" --input-type=module -e "$PROBE" 2>&1 | head -c 4000000 >"$OUT/vk-loader.log" || true
  grep -iE 'error|fail|cannot|not found' "$OUT/vk-loader.log" | head -20 || true
fi

# 6. The bench. Defaults apply to the options the arguments do not name.
export LUXFUSE_MODELS=$ROOT/resources/models
[ -f "$LUXFUSE_MODELS/fusion.onnx" ] || die "no $LUXFUSE_MODELS/fusion.onnx"
args=("$@")
has() { local x; for x in ${args[@]+"${args[@]}"}; do [ "$x" = "$1" ] && return 0; done; return 1; }
run=()
for kv in --size=6000x4000 --tone-size=1920x1080 --runs=5 "--json=$OUT/gpu-merge.json"; do
  has "${kv%%=*}" || run+=("${kv%%=*}" "${kv#*=}")
done
run+=(${args[@]+"${args[@]}"})
T=${LUXFUSE_BENCH_TIMEOUT:-380}
timeout=()
if command -v timeout >/dev/null; then timeout=(timeout -k 10 "$T"); fi
say "bench: node bundle.mjs ${run[*]}"
t0=$(date +%s)
set +e
${timeout[@]+"${timeout[@]}"} "$NODE" --max-old-space-size=16384 "$DEST/bundle.mjs" "${run[@]}" 2>&1 | tee "$OUT/gpu-merge.log"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 124 ] && say "ERROR: the bench ran past LUXFUSE_BENCH_TIMEOUT=$T s"
say "bench exit $rc after $(($(date +%s) - t0)) s; results: $(ls "$OUT" | tr '\n' ' ')"
exit "$rc"
