"""Joint training of the two DRHT nets (HDR estimation + LDR correction) on rendered pairs.

  /usr/bin/python3 training/correct/train.py --steps 1600 --threads 1 --out tmp/correct/drht.pt

Losses (summed, as the paper trains the two nets jointly end to end):
- LDR, --ldr-loss logmse (default): the mean over samples of ln(MSE_i + 1e-5), MSE_i of the
  corrected sRGB frame (0..1) against sRGB(clamp(x, 0, 1)): what is scored is the mean PSNR of 8-bit
  sRGB, i.e. the mean of -10 log10(MSE_i), and 1e-5 is about the 8-bit quantisation floor
  ((0.5/255)^2 ~ 4e-6). Its gradient is each sample's MSE gradient over its own MSE, so the
  over-exposed samples (MSE ~0.04) do not drown the under-exposed ones (~0.0006).
  --ldr-loss weighted (the first run's): each sample's MSE divided by (the physics baseline's MSE on
  it + 1e-3), batch-normalised weights.
- HDR: in the compressed domain ln(min(h, 64) + 0.01) of the estimate h = exp(log_hdr) and of the
  truth x: log-like above ~0.01 (the paper's log of the HDR image), flat in deep shadow where the
  input holds only noise, and capped at 64 (8.5 stops over middle grey) so suns of 10^5 x the
  median do not dominate; weight --hdr-weight (with the weighted LDR loss 0.02: at 0.1, a first run,
  the HDR term dominated the sum and pushed clipped regions far brighter than the held-out scenes'
  truth; with logmse, whose gradients are ~300 x larger, 0.3).
Batch norm running statistics are recomputed (cumulative average over 24 fresh batches, train
mode) before every validation and saved with the checkpoint: with momentum 0.1 they lagged the
weights and the eval-mode net was far worse than the train-mode one.
Adam (lr 7e-4, cosine decay to 2% of it), batch 8 of 128 px working crops drawn from a pool of
rendered pairs that is refreshed continuously (rendering at native resolution costs as much as
a training step on one core). Fixed seeds. Validation on the held-out scenes (data.validation_set:
whole frames and squares at the runtime's working scale, s in +-{2, 2.5, 3}, two noise levels)
every --val-every steps; the checkpoint with the best mean of under and over net PSNR is kept, and
each validation line says whether the net beats the physics on under and on over.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import data  # noqa: E402
from model import DRHT, count_params, srgb_decode as srgb_decode_t, srgb_encode as srgb_encode_t  # noqa: E402
from render import pad_to_multiple, srgb_encode  # noqa: E402

HDR_CAP = 64.0


def hdr_domain(log_h: torch.Tensor) -> torch.Tensor:
    return torch.log(torch.exp(log_h.clamp(max=float(np.log(HDR_CAP)))) + 0.01)


def psnr8(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((np.round(255 * np.clip(a, 0, 1)) - np.round(255 * np.clip(b, 0, 1))) ** 2))
    return 10 * np.log10(255 ** 2 / max(mse, 1e-10))


def run_net(model: DRHT, inp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eval-mode forward of one C x H x W input with the runtime's edge padding to multiples of 16."""
    _, h, w = inp.shape
    with torch.no_grad():
        lh, ldr = model(torch.from_numpy(pad_to_multiple(inp))[None])
    return lh[0, :, :h, :w].numpy(), ldr[0, :, :h, :w].numpy()


def recalibrate_bn(model: DRHT, sampler: data.Sampler, batches: int = 24, size: int = 8) -> None:
    """Population batch-norm statistics for the current weights (cumulative average, no gradients)."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.from_numpy(sampler.batch(size)['input']))
    for m in bns:
        m.momentum = 0.1


def validate(model: DRHT, items: list[dict]) -> dict[str, dict[str, float]]:
    model.eval()
    rows: dict[str, dict[str, list[float]]] = {}
    for it in items:
        _, ldr = run_net(model, it['input'])
        phys = srgb_encode(np.clip(it['pre_gain'] * it['lin'], 0, 1)).transpose(2, 0, 1)
        key = 'under' if it['s'] < 0 else 'over'
        r = rows.setdefault(key, {'input': [], 'physics': [], 'net': []})
        r['input'].append(psnr8(it['input'][:3], it['ldr']))
        r['physics'].append(psnr8(phys, it['ldr']))
        r['net'].append(psnr8(ldr, it['ldr']))
    model.train()
    return {k: {m: float(np.mean(v)) for m, v in r.items()} for k, r in rows.items()}


class Pool:
    """Rendered pairs kept in memory; each step replaces `refresh` of them with new renders."""

    def __init__(self, sampler: data.Sampler, size: int, refresh: int, seed: int):
        self.sampler, self.refresh = sampler, refresh
        self.rng = np.random.default_rng(seed)
        self.items = [sampler.sample() for _ in range(size)]

    def batch(self, n: int) -> dict[str, torch.Tensor]:
        for _ in range(self.refresh):
            self.items[self.rng.integers(len(self.items))] = self.sampler.sample()
        out: dict[str, list[np.ndarray]] = {'input': [], 'log_hdr': [], 'ldr': []}
        for i in self.rng.choice(len(self.items), n, replace=False):
            k = int(self.rng.integers(4))
            t = bool(self.rng.integers(2))
            for key in out:
                a = np.rot90(self.items[i][key], k, axes=(1, 2))
                out[key].append(np.ascontiguousarray(a.transpose(0, 2, 1) if t else a))
        return {k: torch.from_numpy(np.stack(v)) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=1600)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--crop', type=int, default=128)
    ap.add_argument('--lr', type=float, default=7e-4)
    ap.add_argument('--hdr-weight', type=float, default=0.3)
    ap.add_argument('--ldr-loss', choices=('logmse', 'weighted'), default='logmse')
    ap.add_argument('--range-aug', choices=('target', 'gamma'), default='target')
    ap.add_argument('--pool', type=int, default=1024)
    ap.add_argument('--refresh', type=int, default=2)
    ap.add_argument('--val-every', type=int, default=200)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--out', default='tmp/correct/drht.pt')
    ap.add_argument('--init', help='start from this checkpoint\'s weights (fine-tuning; the schedule starts afresh)')
    ap.add_argument('--stop-at', type=int, help='stop after this step of the --steps schedule (its validation included)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    t0 = time.time()
    train_scenes, held_out = data.split(data.load_scenes())
    print('train:', ', '.join(s.name for s in train_scenes))
    print('held out:', ', '.join(s.name for s in held_out))
    val = data.validation_set(held_out)
    calib = data.Sampler(train_scenes, a.seed + 100, a.crop, range_aug=a.range_aug)
    pool = Pool(data.Sampler(train_scenes, a.seed, a.crop, range_aug=a.range_aug), a.pool, a.refresh, a.seed + 1)
    print(f'{len(val)} validation renders, pool of {a.pool} ready in {time.time() - t0:.0f} s')
    model = DRHT()
    if a.init:
        init = torch.load(a.init)
        model.load_state_dict(init['state_dict'])
        print(f"initialised from {a.init} (step {init['step']} of {init['args'].get('steps')}, {init['args'].get('init') or 'from scratch'})")
    print(f'params: hdr {count_params(model.hdr)}, ldr {count_params(model.ldr)}')
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: 0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * i / a.steps)))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    best, history = -1e9, []
    t_train = time.time()
    run_l, run_h = 0.0, 0.0
    for step in range(1, (a.stop_at or a.steps) + 1):
        b = pool.batch(a.batch)
        log_hdr, ldr = model(b['input'])
        mse = torch.mean((ldr - b['ldr']) ** 2, dim=(1, 2, 3))
        if a.ldr_loss == 'logmse':
            l_ldr = torch.mean(torch.log(mse + 1e-5))
        else:
            with torch.no_grad():
                gain = torch.exp(b['input'][:, 4:5] * (4 * np.log(2)))
                phys = srgb_encode_t(gain * srgb_decode_t(b['input'][:, 0:3]))
                w = 1 / (torch.mean((phys - b['ldr']) ** 2, dim=(1, 2, 3)) + 1e-3)
                w = w / w.mean()
            l_ldr = torch.mean(w * mse)
        l_hdr = torch.mean((hdr_domain(log_hdr) - hdr_domain(b['log_hdr'])) ** 2)
        loss = l_ldr + a.hdr_weight * l_hdr
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        run_l += l_ldr.item()
        run_h += l_hdr.item()
        if step % 50 == 0:
            print(f'step {step}: ldr loss {run_l / 50:.5f} hdr mse {run_h / 50:.4f} ({time.time() - t_train:.0f} s)', flush=True)
            run_l, run_h = 0.0, 0.0
        if step % a.val_every == 0 or step == a.steps or step == a.stop_at:
            saved = {k: v.clone() for k, v in model.state_dict().items() if 'running' in k or 'num_batches' in k}
            recalibrate_bn(model, calib)
            v = validate(model, val)
            score = (v['under']['net'] + v['over']['net']) / 2
            history.append({'step': step, **{f'{k}_{m}': x for k, r in v.items() for m, x in r.items()}})
            line = '  '.join(f"{k}: in {r['input']:.2f} phys {r['physics']:.2f} net {r['net']:.2f} "
                             f"({'beats' if r['net'] > r['physics'] else 'below'} physics by {abs(r['net'] - r['physics']):.2f})"
                             for k, r in v.items())
            print(f'  val @{step} ({time.time() - t_train:.0f} s): {line}', flush=True)
            if score > best:
                best = score
                torch.save({'state_dict': model.state_dict(), 'step': step, 'val': v, 'args': vars(a),
                            'history': history}, a.out)
            model.load_state_dict({**model.state_dict(), **saved})  # training continues with its own statistics
    ck = torch.load(a.out)
    ck['history'] = history
    ck['train_seconds'] = time.time() - t0
    torch.save(ck, a.out)
    print(f"best step {ck['step']}: {ck['val']}; total {time.time() - t0:.0f} s")
    for k, r in ck['val'].items():
        print(f"  {k}: net {r['net']:.2f} vs physics {r['physics']:.2f}: {'beats' if r['net'] > r['physics'] else 'does NOT beat'} physics")


if __name__ == '__main__':
    main()
