"""The judge's training data as training/ghost/make-data.ts wrote it (tmp/ghost-data/index.json + .npy).

Each bracket is P pairs of 11 input planes (float16), labelled ones with the ghost mask and the
visible part of it (uint8, 2 planes) and the motion-free frame (float16, 3 planes). Everything is
held in memory; batches are random crops (with flips and quarter turns: the planes are per-pixel
and direction-free) of random pairs.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


@dataclass
class Bracket:
    name: str
    split: str
    labelled: bool
    source: str
    motion: str
    x: np.ndarray  # P x 11 x H x W float16
    mask: np.ndarray | None  # P x 2 x H x W uint8
    still: np.ndarray | None  # P x 3 x H x W float16


def load(folder: str) -> list[Bracket]:
    idx_path = os.path.join(folder, 'index.json')
    if not os.path.exists(idx_path):
        raise SystemExit(f'no training data at {folder}: run `npx tsx training/ghost/make-data.ts` first')
    idx = json.load(open(idx_path))
    out = []
    for e in idx['entries']:
        p = os.path.join(folder, e['name'])
        lab = e['labelled']
        out.append(Bracket(e['name'], e['split'], lab, e['source'], e.get('motion', 'real'), np.load(p + '.x.npy'),
                           np.load(p + '.mask.npy') if lab else None, np.load(p + '.static.npy') if lab else None))
    return out


class Sampler:
    """Random crops of random pairs from a list of brackets (pairs weighted equally)."""

    def __init__(self, brackets: list[Bracket], crop: int, seed: int):
        self.items = [(b, i) for b in brackets for i in range(b.x.shape[0])]
        self.crop = crop
        self.rng = np.random.default_rng(seed)

    def batch(self, n: int) -> dict[str, np.ndarray]:
        xs, ms, ss = [], [], []
        for _ in range(n):
            b, i = self.items[self.rng.integers(len(self.items))]
            _, _, h, w = b.x.shape
            c = self.crop
            y0 = int(self.rng.integers(0, h - c + 1))
            x0 = int(self.rng.integers(0, w - c + 1))
            k = int(self.rng.integers(4))
            t = bool(self.rng.integers(2))

            def view(a: np.ndarray) -> np.ndarray:
                a = np.rot90(a[:, y0:y0 + c, x0:x0 + c], k, axes=(1, 2))
                return np.ascontiguousarray(a.transpose(0, 2, 1) if t else a).astype(np.float32)
            xs.append(view(b.x[i]))
            if b.labelled:
                ms.append(view(b.mask[i]))
                ss.append(view(b.still[i]))
        out = {'x': np.stack(xs)}
        if ms:
            out['mask'] = np.stack(ms)
            out['still'] = np.stack(ss)
        return out
