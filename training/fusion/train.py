"""Trains the fusion weight-map CNN on CPU with fixed seeds.

  /usr/bin/python3 training/fusion/train.py --gamma hybrid --blend pyramid --steps 300 --out tmp/fusion/hybrid-pyr.pt

--gamma: variance | gradient | exposure | hybrid (weighted-SSIM loss) or mefssim (MEF-SSIM loss).
--blend: the blend the loss sees, sum (per-pixel weighted sum) or pyramid (Laplacian pyramid, as
the app blends by default). --ks: the exposure counts a batch draws from (repeats weight them);
--synthetic: the fraction of crops rendered from the radiance maps (data.RadianceRenderer).
--device cuda trains on a GPU; --budget-seconds picks --steps from the measured time of the first
steps so that training fits a time budget (the steps chosen are logged: rerun with --steps N). Validation (held-out scenes, see data.py) is MEF-SSIM of that blend of
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
from data import Sampler, load_radiance, load_scenes, split, subsets  # noqa: E402
from loss import GAMMAS, loss_fn, mef_ssim  # noqa: E402
from model import FusionNet, count_params, fuse, fuse_pyramid  # noqa: E402


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@torch.no_grad()
def validate(model: FusionNet, scenes, blend, device='cpu') -> dict[str, float]:
    model.eval()
    out = {}
    for s in scenes:
        _, h, w = s.frames.shape
        h4, w4 = h // 4 * 4, w // 4 * 4
        for idx in subsets(s):
            x = torch.from_numpy(s.frames[list(idx), :h4, :w4]).unsqueeze(0).to(device)
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
    ap.add_argument('--ks', default='2,2,3,3,4', help='exposure counts per batch, drawn uniformly from this list')
    ap.add_argument('--synthetic', type=float, default=0.0, help='fraction of crops rendered from the radiance maps')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--budget-seconds', type=float, default=0.0, help='choose --steps to fit this training time')
    ap.add_argument('--init', help='start from this checkpoint (a warm restart of the cosine schedule)')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    dev = torch.device(a.device)
    train_scenes, val_scenes = split(load_scenes())
    ks = tuple(int(k) for k in a.ks.split(','))
    sampler = Sampler(train_scenes, a.seed, a.crop, ks, load_radiance() if a.synthetic > 0 else None, a.synthetic)
    model = FusionNet()
    if a.init:
        try:
            ck = torch.load(a.init, map_location='cpu', weights_only=False)  # our own checkpoint
        except TypeError:  # torch < 1.13 has no weights_only
            ck = torch.load(a.init, map_location='cpu')
        model.load_state_dict(ck['state_dict'])
    model = model.to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    lossf = loss_fn(a.gamma)
    blend = fuse if a.blend == 'sum' else fuse_pyramid

    def train_step() -> float:
        x = torch.from_numpy(sampler.batch(a.batch)).to(dev)
        loss = lossf(x, blend(x, model(x)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss.detach())

    log = {'args': vars(a), 'params': count_params(model), 'train': [s.name for s in train_scenes],
           'validation': [s.name for s in val_scenes], 'history': [], 'device': str(dev),
           'torch': str(torch.__version__)}
    t0 = time.time()
    first = 0
    if a.budget_seconds > 0:
        # Time a few warm-up steps at the full learning rate; they count as the first steps of the run.
        first = 20
        for _ in range(5):
            train_step()
        t1 = time.time()
        for _ in range(first - 5):
            train_step()
        per_step = (time.time() - t1) / (first - 5)
        a.steps = max(first + 1, int((a.budget_seconds - (time.time() - t0)) / (per_step * 1.08)) + first)
        log['steps_chosen'] = a.steps
        log['seconds_per_step'] = per_step
        print(json.dumps({'steps_chosen': a.steps, 'seconds_per_step': per_step}), flush=True)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s + first, a.steps) / a.steps)))
    running = 0.0
    n_running = 0

    def save() -> None:
        log['seconds'] = time.time() - t0
        log['val_mef_ssim'] = log['history'][-1]['val_mef_ssim'] if log['history'] else None
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save({'state_dict': state, 'log': log}, a.out + '.part')
        os.replace(a.out + '.part', a.out)
        with open(os.path.splitext(a.out)[0] + '.json', 'w') as fh:
            json.dump(log, fh, indent=1)

    for step in range(first + 1, a.steps + 1):
        running += train_step()
        n_running += 1
        sched.step()
        if step % a.val_every == 0 or step == a.steps:
            val = validate(model, val_scenes, blend, dev)
            mean = sum(val.values()) / len(val)
            entry = {'step': step, 'loss': running / max(n_running, 1), 'val_mef_ssim': mean, 'val': val, 'seconds': time.time() - t0}
            log['history'].append(entry)
            print(json.dumps({k: v for k, v in entry.items() if k != 'val'}), flush=True)
            running = 0.0
            n_running = 0
            save()
    save()
    print(f'wrote {a.out} ({log["seconds"]:.0f} s, validation MEF-SSIM {log["val_mef_ssim"]:.4f})')


if __name__ == '__main__':
    main()
