"""Training and validation exposures from ../shared/datasets, as grayscale (luma of the sRGB codes, 0..1).

Every scene is downscaled to a long side of 512 px (the runtime's working resolution) once, at load.
Validation is held out by scene: triplets/SeaRock and brackets/street2. Training draws random crops
(multiples of 4 px) with flips; brackets give random subsets of K frames in exposure order (K from the
sampler's distribution, 2-4 by default, up to 9), triplets give the under/over pair, the two adjacent
pairs and the full triple. Optionally a fraction of each batch is synthetic: brackets rendered from
the real radiance maps (../shared/datasets/radiance) through random camera curves with noise and
8-bit quantisation (RadianceRenderer).

pack.py writes the downscaled scenes and radiance maps to one .npz (for machines without
../shared, such as the GPU machine); LUXFUSE_FUSION_PACK=<file> makes load_scenes and
load_radiance read it instead.
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


PACK = os.environ.get('LUXFUSE_FUSION_PACK')


def _packed() -> dict:
    data = np.load(PACK)
    return {k: data[k] for k in data.files}


def load_scenes(side: int = WORKING_SIDE) -> list[Scene]:
    if PACK:
        d = _packed()
        return [Scene(str(n), d[f'scene_{i}'].astype(np.float32)) for i, n in enumerate(d['scene_names'])]
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


def load_radiance() -> list[np.ndarray]:
    """The radiance maps as H x W x 3 float32 (linear), each scaled to a median luminance of 0.18."""
    if PACK:
        d = _packed()
        return [d[k].astype(np.float32) for k in sorted(k for k in d if k.startswith('radiance_'))]
    import cv2  # Debian's python3-opencv; reads Radiance RGBE
    rdir = os.path.join(DATASETS, 'radiance')
    out = []
    for f in sorted(os.listdir(rdir)):
        if not f.endswith('.hdr'):
            continue
        rgb = cv2.imread(os.path.join(rdir, f), cv2.IMREAD_UNCHANGED)[..., ::-1].astype(np.float32)
        lum = 0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2]
        h, w = rgb.shape[0] // 2 * 2, rgb.shape[1] // 2 * 2
        rgb = rgb[:h, :w].reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3))  # 1024x512 -> 512x256, the photos' scale
        out.append(np.ascontiguousarray(rgb * (0.18 / max(float(np.median(lum)), 1e-6))))
    return out


class RadianceRenderer:
    """Synthetic brackets from radiance maps: K exposures 1-2.5 stops apart around a random middle
    exposure, through a random camera curve (sRGB, gamma 1.8-2.6, or a filmic S), shot and read
    noise, 8-bit quantisation; returned as the luma of the coded frames, darkest first."""

    def __init__(self, maps: list[np.ndarray], rng: np.random.Generator):
        self.maps = maps
        self.rng = rng

    def curve(self, x: np.ndarray) -> np.ndarray:
        kind = self.rng.integers(3)
        if kind == 0:
            return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)
        if kind == 1:
            return np.power(x, 1 / self.rng.uniform(1.8, 2.6))
        a = self.rng.uniform(2.0, 4.0)
        y = np.power(x, 1 / 2.2)
        return 0.5 + 0.5 * np.tanh(a * (y - 0.5)) / np.tanh(a * 0.5)

    def bracket(self, k: int, crop: int) -> np.ndarray:
        m = self.maps[self.rng.integers(len(self.maps))]
        h, w, _ = m.shape
        y = self.rng.integers(0, h - crop + 1)
        x = self.rng.integers(0, w - crop + 1)
        rad = m[y:y + crop, x:x + crop]
        step = self.rng.uniform(1.0, min(2.5, 10.0 / max(k - 1, 1)))  # at most ~10 stops in all
        mid = self.rng.uniform(-1.5, 1.5)
        evs = mid + step * (np.arange(k) - (k - 1) / 2)
        frames = []
        for ev in evs:
            lin = np.clip(rad * 2.0 ** ev, 0, None)
            lin = lin + self.rng.normal(0, 1, lin.shape).astype(np.float32) * np.sqrt(0.004 ** 2 * np.minimum(lin, 1) + 0.0008 ** 2)
            code = np.round(self.curve(np.clip(lin, 0, 1)) * 255) / 255
            frames.append((0.2989 * code[..., 0] + 0.5870 * code[..., 1] + 0.1140 * code[..., 2]).astype(np.float32))
        return np.stack(frames)


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

    def __init__(self, scenes: list[Scene], seed: int, crop: int = 128, ks: tuple[int, ...] = (2, 2, 3, 3, 4),
                 radiance: list[np.ndarray] | None = None, synthetic: float = 0.0):
        self.scenes = scenes
        self.rng = np.random.default_rng(seed)
        self.crop = crop
        self.ks = ks
        self.renderer = RadianceRenderer(radiance, self.rng) if radiance else None
        self.synthetic = synthetic if radiance else 0.0

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
        k = int(self.rng.choice(self.ks))
        out = []
        for _ in range(size):
            if self.synthetic > 0 and self.rng.random() < self.synthetic:
                c = self.renderer.bracket(k, self.crop)
                if self.rng.random() < 0.5:
                    c = c[:, :, ::-1]
                out.append(np.ascontiguousarray(c))
                continue
            pool = [s for s in self.scenes if len(s.frames) >= k] or self.scenes
            scene = pool[self.rng.integers(len(pool))]
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
