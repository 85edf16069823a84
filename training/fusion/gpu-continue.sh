#!/usr/bin/env bash
# Second GPU call after gpu-train.sh: the pipeline's GPU timing at 3 x 24 MP first, then a warm
# restart (a second cosine cycle at lr 1e-3, the same data) of the leading variants from the first
# call's checkpoints, unpacked to .pack/init/. run (device tool): bash training/fusion/gpu-continue.sh 300
# with carry [".pack"]. Writes $OUT/speed.json, $OUT/continue.tgz and $OUT/continue.log.
set -u
BUDGET=${1:-300}
OUT=${OUT:-tmp/fusion-gpu}
mkdir -p "$OUT" /tmp/fc
export LUXFUSE_FUSION_PACK=.pack/fusion.npz PYTHONUNBUFFERED=1
timeout 90 python3 training/fusion/gpu_speed.py --ckpt .pack/init/mefssim.pt --runs 10 > "$OUT/speed.json" 2> "$OUT/continue.log"
cat "$OUT/speed.json"
common="--blend pyramid --device cuda --ks 2,2,2,3,3,4,5,7,9 --synthetic 0.25 --crop 160 --batch 16 --lr 1e-3 --seed 6 --threads 2 --val-every 500 --budget-seconds $BUDGET"
pids=()
for g in mefssim hybrid gradient; do
  timeout $((BUDGET + 120)) python3 training/fusion/train.py --gamma $g $common --init .pack/init/$g.pt --out /tmp/fc/$g.pt > /tmp/fc/$g.log 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for g in mefssim hybrid gradient; do echo "== $g"; cat /tmp/fc/$g.log; done >> "$OUT/continue.log"
tar czf "$OUT/continue.tgz" -C /tmp/fc .
tail -n 2 /tmp/fc/*.log
