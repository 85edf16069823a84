"""Trains the fusion weight-map CNN on CPU with fixed seeds.

  /usr/bin/python3 training/fusion/train.py --gamma hybrid --blend pyramid --steps 300 --out tmp/fusion/hybrid-pyr.pt

--gamma: variance | gradient | exposure | hybrid (weighted-SSIM loss) or mefssim (MEF-SSIM loss).
--blend: the blend the loss sees, sum (per-pixel weighted sum) or pyramid (Laplacian pyramid, as
the app blends by default). Validation (held-out scenes, see data.py) is MEF-SSIM of that blend of
the grey frames at the working resolution; bench/quality.ts scores the shipped RGB pipeline at full size.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from data import Sampler, load_scenes, split, subsets  # noqa: E402
from loss import GAMMAS, loss_fn, mef_ssim  # noqa: E402
from model import FusionNet, count_params, fuse, fuse_pyramid  # noqa: E402


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@torch.no_grad()
def validate(model: FusionNet, scenes, blend) -> dict[str, float]:
    model.eval()
    out = {}
    for s in scenes:
        _, h, w = s.frames.shape
        h4, w4 = h // 4 * 4, w // 4 * 4
        for idx in subsets(s):
            x = torch.from_numpy(s.frames[list(idx), :h4, :w4]).unsqueeze(0)
            f = blend(x, model(x)).clamp(0, 1)
            out[f'{s.name} {idx}'] = float(mef_ssim(x, f))
    model.train()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--gamma', default='hybrid', choices=[*GAMMAS, 'mefssim'])
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--batch', type=int, default=6)
    ap.add_argument('--crop', type=int, default=96)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--seed', type=int, default=5)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--val-every', type=int, default=100)
    ap.add_argument('--blend', default='pyramid', choices=['sum', 'pyramid'], help='per-pixel weighted sum or Laplacian pyramid blend')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    train_scenes, val_scenes = split(load_scenes())
    sampler = Sampler(train_scenes, a.seed, a.crop)
    model = FusionNet()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, a.steps) / a.steps)))
    lossf = loss_fn(a.gamma)
    blend = fuse if a.blend == 'sum' else fuse_pyramid
    log = {'args': vars(a), 'params': count_params(model), 'train': [s.name for s in train_scenes],
           'validation': [s.name for s in val_scenes], 'history': []}
    t0 = time.time()
    running = 0.0
    for step in range(1, a.steps + 1):
        x = torch.from_numpy(sampler.batch(a.batch))
        loss = lossf(x, blend(x, model(x)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running += float(loss)
        if step % a.val_every == 0 or step == a.steps:
            val = validate(model, val_scenes, blend)
            mean = sum(val.values()) / len(val)
            entry = {'step': step, 'loss': running / a.val_every, 'val_mef_ssim': mean, 'val': val, 'seconds': time.time() - t0}
            log['history'].append(entry)
            print(json.dumps({k: v for k, v in entry.items() if k != 'val'}), flush=True)
            running = 0.0
    log['seconds'] = time.time() - t0
    log['val_mef_ssim'] = log['history'][-1]['val_mef_ssim']
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save({'state_dict': model.state_dict(), 'log': log}, a.out)
    with open(os.path.splitext(a.out)[0] + '.json', 'w') as fh:
        json.dump(log, fh, indent=1)
    print(f'wrote {a.out} ({log["seconds"]:.0f} s, validation MEF-SSIM {log["val_mef_ssim"]:.4f})')


if __name__ == '__main__':
    main()
