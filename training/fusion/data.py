"""Training and validation exposures from ../shared/datasets, as grayscale (luma of the sRGB codes, 0..1).

Every scene is downscaled to a long side of 512 px (the runtime's working resolution) once, at load.
Validation is held out by scene: triplets/SeaRock and brackets/street2. Training draws random crops
(multiples of 4 px) with flips; brackets give random subsets of 2-4 frames in exposure order,
triplets give the under/over pair, the two adjacent pairs and the full triple.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATASETS = os.environ.get('LUXFUSE_DATASETS', os.path.join(ROOT, '..', 'shared', 'datasets'))
WORKING_SIDE = 512
VALIDATION = ('triplets/SeaRock', 'brackets/street2')


@dataclass
class Scene:
    name: str
    # K x H x W float32 luma in 0..1, darkest frame first.
    frames: np.ndarray


def luma(path: str, side: int) -> np.ndarray:
    img = Image.open(path).convert('RGB')
    w, h = img.size
    s = side / max(w, h)
    if s < 1:
        img = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BOX)
    a = np.asarray(img, dtype=np.float32)
    return (0.2989 * a[..., 0] + 0.5870 * a[..., 1] + 0.1140 * a[..., 2]) / 255.0


def load_scenes(side: int = WORKING_SIDE) -> list[Scene]:
    if not os.path.isdir(DATASETS):
        raise SystemExit(f'no datasets at {DATASETS} (see ../shared/datasets/README.md)')
    scenes = []
    tdir = os.path.join(DATASETS, 'triplets')
    for name in sorted(os.listdir(tdir)):
        files = sorted(f for f in os.listdir(os.path.join(tdir, name)) if f.lower().endswith(('.jpg', '.jpeg', '.png')))
        scenes.append(Scene(f'triplets/{name}', np.stack([luma(os.path.join(tdir, name, f), side) for f in files])))
    bdir = os.path.join(DATASETS, 'brackets')
    for name in sorted(os.listdir(bdir)):
        rows = [l.split('\t') for l in open(os.path.join(bdir, name, 'exposures.tsv')).read().strip().split('\n')[1:]]
        frames = np.stack([luma(os.path.join(bdir, name, r[0]), side) for r in rows])
        order = np.argsort(frames.reshape(len(frames), -1).mean(1))
        scenes.append(Scene(f'brackets/{name}', frames[order]))
    return scenes


def split(scenes: list[Scene]) -> tuple[list[Scene], list[Scene]]:
    return [s for s in scenes if s.name not in VALIDATION], [s for s in scenes if s.name in VALIDATION]


def subsets(scene: Scene) -> list[tuple[int, ...]]:
    """Exposure subsets a scene contributes (for validation: fixed; brackets: an even spread)."""
    k = len(scene.frames)
    if k == 3:
        return [(0, 2), (0, 1, 2)]
    return [(0, k - 1), (0, k // 2, k - 1), (1, k // 3, 2 * k // 3, k - 2)]


class Sampler:
    """Random training batches: B crops of one scene-subset size K (a batch shares K)."""

    def __init__(self, scenes: list[Scene], seed: int, crop: int = 128):
        self.scenes = scenes
        self.rng = np.random.default_rng(seed)
        self.crop = crop

    def pick(self, scene: Scene, k: int) -> np.ndarray:
        n = len(scene.frames)
        if n == 3:
            idx = [0, 1, 2] if k >= 3 else [(0, 2), (0, 1), (1, 2)][self.rng.integers(3)]
        else:
            # A spread of at least 2 stops between darkest and brightest chosen frames.
            while True:
                idx = sorted(self.rng.choice(n, size=k, replace=False))
                if idx[-1] - idx[0] >= 2:
                    break
        return scene.frames[list(idx)]

    def batch(self, size: int) -> np.ndarray:
        k = int(self.rng.choice([2, 2, 3, 3, 4]))
        out = []
        for _ in range(size):
            scene = self.scenes[self.rng.integers(len(self.scenes))]
            frames = self.pick(scene, k)
            if len(frames) < k:
                frames = np.concatenate([frames, frames[-1:]])
            _, h, w = frames.shape
            y = self.rng.integers(0, h - self.crop + 1)
            x = self.rng.integers(0, w - self.crop + 1)
            c = frames[:, y:y + self.crop, x:x + self.crop]
            if self.rng.random() < 0.5:
                c = c[:, :, ::-1]
            if self.rng.random() < 0.5:
                c = c[:, ::-1, :]
            out.append(np.ascontiguousarray(c))
        return np.stack(out)  # B x K x H x W
