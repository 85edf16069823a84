#!/usr/bin/env bash
# The fusion net's GPU training run (one call of the device tool, an H200 here): the four gamma
# variants and the MEF-SSIM loss side by side, each for the same wall-clock budget, then the
# pipeline's GPU timing at 3 x 24 MP. Needs the data pack (training/fusion/pack.py) at .pack/.
#   run (device tool): bash training/fusion/gpu-train.sh 300   with carry [".pack"]
# Writes $OUT/fusion-gpu.tgz (checkpoints and logs), $OUT/train.log and $OUT/speed.json.
set -u
BUDGET=${1:-300}
OUT=${OUT:-tmp/fusion-gpu}
mkdir -p "$OUT" /tmp/fg
export LUXFUSE_FUSION_PACK=.pack/fusion.npz PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/train.log"
common="--blend pyramid --device cuda --ks 2,2,2,3,3,4,5,7,9 --synthetic 0.25 --crop 160 --batch 16 --lr 2e-3 --seed 5 --threads 2 --val-every 500 --budget-seconds $BUDGET ${FUSION_ARGS:-}"
pids=()
for g in hybrid variance gradient exposure mefssim; do
  timeout $((BUDGET + 150)) python3 training/fusion/train.py --gamma $g $common --out /tmp/fg/$g.pt > /tmp/fg/$g.log 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for g in hybrid variance gradient exposure mefssim; do echo "== $g"; cat /tmp/fg/$g.log; done >> "$OUT/train.log"
tar czf "$OUT/fusion-gpu.tgz" -C /tmp/fg .
best=/tmp/fg/hybrid.pt
timeout 120 python3 training/fusion/gpu_speed.py --ckpt "$best" --runs 10 > "$OUT/speed.json" 2>> "$OUT/train.log"
cat "$OUT/speed.json"
tail -n 3 /tmp/fg/*.log
