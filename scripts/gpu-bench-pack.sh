#!/usr/bin/env bash
# Packs what bench/gpu-merge.ts needs on the lent GPU machine (x86-64 Linux, Python 3.12, no Node, no npm,
# no internet) besides the repo's tracked files, into two ignored folders of the repo root:
#   .gpu-bench/bench.tar.xz  Node (this machine's /usr/bin/node, stripped), an esbuild bundle of
#                            bench/gpu-merge.ts, and minimal copies of its external packages: webgpu (Dawn's
#                            dawn.node) and onnxruntime-web (+ onnxruntime-common, which ort.node.min.mjs imports)
#   .gl/*.deb                the Vulkan/GL loaders (libvulkan1, libglvnd...), amd64, for `dpkg -x` there
# The model (resources/models/fusion.onnx) is tracked and travels with the tree.
#
# Here, from the repo root (needs node_modules, xz, and apt-get with internet for the first .gl download):
#   bash scripts/gpu-bench-pack.sh          # ~2-3 min on 2 cores (xz -9); prints the sizes
# Then the device `run` call (tracked files + the two carried folders, well under 64 MiB):
#   run(command="bash scripts/gpu-bench-device.sh", carry=[".gpu-bench", ".gl"], timeout_s=420)
# Other sizes: command="bash scripts/gpu-bench-device.sh --size 3000x2000 --runs 3" (see that script).
# Re-run this script after changing anything bench/gpu-merge.ts imports: the bundle is a snapshot.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PACK=.gpu-bench
GL=.gl
NM=node_modules
NODE_BIN=${NODE_BIN:-/usr/bin/node}

die() { echo "gpu-bench-pack: $*" >&2; exit 1; }
[ -x "$NODE_BIN" ] || die "no Node binary at $NODE_BIN (set NODE_BIN)"
[ "$(uname -m)" = x86_64 ] || die "this machine is $(uname -m); the device is x86-64: pack on x86-64"
[ -x "$NM/.bin/esbuild" ] || die "no $NM/.bin/esbuild: run npm install first"
for f in "$NM/webgpu/dist/linux-x64/dawn.node" "$NM/onnxruntime-web/dist/ort.node.min.mjs" "$NM/onnxruntime-common/package.json"; do
  [ -e "$f" ] || die "missing $f"
done
command -v xz >/dev/null || die "xz is needed here"
git ls-files --error-unmatch resources/models/fusion.onnx >/dev/null 2>&1 || die "resources/models/fusion.onnx is not tracked: it would not travel"

STAGE=$(mktemp -d /tmp/gpu-bench-stage.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT

# 1. The bundle: everything but the two packages that load files beside themselves (.node, .wasm).
"$NM/.bin/esbuild" bench/gpu-merge.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-web --external:webgpu --log-level=warning --outfile="$STAGE/bundle.mjs"

# 2. Node, without its debug info (98 -> 86 MB; .dynsym, which dawn.node binds to, stays).
if command -v strip >/dev/null && strip -o "$STAGE/node" "$NODE_BIN" 2>/dev/null; then :; else cp "$NODE_BIN" "$STAGE/node"; fi
chmod 755 "$STAGE/node"
"$STAGE/node" -e 'process.exit(0)' || die "the packed Node does not run"

# 3. Minimal packages: exactly the files an strace of a run opened (besides the dist/package.json probe).
copy() { mkdir -p "$STAGE/node_modules/$(dirname "$1")" && cp "$NM/$1" "$STAGE/node_modules/$1"; }
copy webgpu/package.json
copy webgpu/index.js
copy webgpu/dist/linux-x64/dawn.node
copy onnxruntime-web/package.json
for f in ort.node.min.mjs ort.webgpu.bundle.min.mjs \
  ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm \
  ort-wasm-simd-threaded.asyncify.mjs ort-wasm-simd-threaded.asyncify.wasm; do
  copy "onnxruntime-web/dist/$f"
done
copy onnxruntime-common/package.json
for f in "$NM"/onnxruntime-common/dist/esm/*.js "$NM"/onnxruntime-common/dist/esm/package.json; do
  if [ -e "$f" ]; then copy "${f#"$NM"/}"; fi
done

# 4. libstdc++/libgcc_s, used there only where the system has none (dawn.node and node need them).
mkdir -p "$STAGE/lib"
for l in libstdc++.so.6 libgcc_s.so.1; do
  p=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64/ && !p { p = $NF } END { print p }')
  if [ -n "$p" ]; then cp -L "$p" "$STAGE/lib/$l"; fi
done

# 5. What was packed, for the device log.
{
  echo "packed $(date -u +%FT%TZ) from $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- bench src-main src-shared src-renderer || echo ' + uncommitted changes')"
  echo "node $("$STAGE/node" -p process.version); webgpu $("$STAGE/node" -p "require('$ROOT/$NM/webgpu/package.json').version"); onnxruntime-web $("$STAGE/node" -p "require('$ROOT/$NM/onnxruntime-web/package.json').version")"
  (cd "$STAGE" && find . -type f ! -name MANIFEST.txt | sort | xargs du -b)
} >"$STAGE/MANIFEST.txt"

mkdir -p "$PACK"
rm -f "$PACK"/bench.tar.xz.tmp
echo "gpu-bench-pack: compressing $(du -sb "$STAGE" | cut -f1) bytes (xz -9, a few minutes)..."
tar -C "$STAGE" -cf - . | xz -9 -T2 -c >"$PACK/bench.tar.xz.tmp"
mv "$PACK/bench.tar.xz.tmp" "$PACK/bench.tar.xz"
cp "$STAGE/MANIFEST.txt" "$PACK/MANIFEST.txt"

# 6. The loaders, once (README of the device tool): Debian amd64 debs, dpkg -x'd into / there.
if ! ls "$GL"/libvulkan1_*.deb >/dev/null 2>&1; then
  command -v apt-get >/dev/null || die "no apt-get here to download the .gl debs"
  mkdir -p "$GL" /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update -qq
  (cd "$GL" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi

git check-ignore -q "$PACK/bench.tar.xz" || echo "gpu-bench-pack: WARNING: $PACK is not ignored by git" >&2
git check-ignore -q "$GL/x.deb" || echo "gpu-bench-pack: WARNING: $GL is not ignored by git" >&2
tracked=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
untracked=$(git ls-files -z --others --exclude-standard | xargs -0 -r du -cb 2>/dev/null | tail -1 | cut -f1)
carried=$(du -cb "$PACK" "$GL" | tail -1 | cut -f1)
total=$((tracked + ${untracked:-0} + carried))
du -b "$PACK"/* "$GL"/*
echo "gpu-bench-pack: tracked $tracked + untracked ${untracked:-0} + carried $carried = $total bytes" \
  "($(awk -v t="$total" 'BEGIN { printf "%.1f", t / 1048576 }') MiB of the 64 MiB limit)"
[ "$total" -lt $((60 * 1048576)) ] || die "over 60 MiB: the device's tree limit is 64 MiB"
