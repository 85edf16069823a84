"""Scenes (linear radiance maps) for single-frame correction, and the training / validation renders.

Scenes: ../shared/datasets/radiance/*.hdr (middle band, rows 96..416) and every bracket / triplet
merged to radiance by the project's own CLI and cached as tmp/correct/scenes/<name>.hdr:

  npx luxfuse merge <frames in exposures.tsv order> --method radiance --align off \
      --exposures-from-pixels --hdr tmp/correct/scenes/<name>.hdr

(brackets/street2: the pixel estimate fails, 'too few pixels well exposed in both' for its two
darkest frames; it is merged with --exposure-times from exposures.tsv instead.) Held out, never
trained on: radiance/pedestrian_overpass_1k and brackets/taipei.

Training samples render a random crop at the scene's own resolution (a 128 * f px square, f
log-uniform in [1.5, 6] but within the scene) and area-downsample it by f to a 128 px working
crop, so the noise is averaged as the runtime averages it for a frame f x wider than 384 px.
Augmentation: flips, white-balance jitter (x exp(N(0, 0.1)) per channel) and a range compression
of the highlights: range_aug='target' (default) draws a target T log-uniform in [2, 100] for the
crop's 99.9th-percentile / median luminance and, where the crop's own ratio exceeds T, compresses
the luminance above the median so that it becomes T (compress_highlights); range_aug='gamma' (the
first run's) compresses half the samples about the median with gamma in [0.4, 1].
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

import cv2
import numpy as np

from render import render_pair

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATASETS = os.environ.get('LUXFUSE_DATASETS', os.path.join(ROOT, '..', 'shared', 'datasets'))
CACHE = os.path.join(ROOT, 'tmp', 'correct', 'scenes')
HELD_OUT = ('radiance/pedestrian_overpass_1k', 'brackets/taipei')
BAND = (96, 416)


@dataclass
class Scene:
    name: str
    radiance: np.ndarray  # H x W x 3 float32, linear Rec.709, >= 0


def read_hdr(path: str) -> np.ndarray:
    bgr = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if bgr is None:
        raise RuntimeError(f'cannot read {path}')
    return np.maximum(bgr[..., ::-1].astype(np.float32), 0)


def merged(kind: str, name: str) -> str | None:
    """The cached CLI merge of a bracket or triplet, made on first use (None when the CLI fails)."""
    out = os.path.join(CACHE, f'{name}.hdr')
    if os.path.exists(out):
        return out
    folder = os.path.join(DATASETS, kind, name)
    if kind == 'brackets':
        rows = [l.split('\t') for l in open(os.path.join(folder, 'exposures.tsv')).read().strip().split('\n')[1:]]
        files, times = [os.path.join(folder, r[0]) for r in rows], [r[1].strip() for r in rows]
    else:
        files, times = [os.path.join(folder, f) for f in ('1.jpg', '2.jpg', '3.jpg')], None
    os.makedirs(CACHE, exist_ok=True)
    base = ['npx', 'luxfuse', 'merge', *files, '--method', 'radiance', '--align', 'off', '--hdr', out]
    r = subprocess.run(base + ['--exposures-from-pixels'], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0 and times:
        print(f'{kind}/{name}: {r.stderr.strip()}; retrying with --exposure-times from exposures.tsv')
        r = subprocess.run(base + ['--exposure-times', ','.join(times)], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        print(f'{kind}/{name}: skipped, the CLI failed: {r.stderr.strip()}')
        return None
    return out


def load_scenes() -> list[Scene]:
    if not os.path.isdir(DATASETS):
        raise SystemExit(f'no datasets at {DATASETS} (set LUXFUSE_DATASETS; see ../shared/datasets/README.md)')
    scenes = []
    rdir = os.path.join(DATASETS, 'radiance')
    for f in sorted(os.listdir(rdir)):
        if f.endswith('.hdr'):
            scenes.append(Scene(f'radiance/{f[:-4]}', read_hdr(os.path.join(rdir, f))[BAND[0]:BAND[1]]))
    for kind in ('brackets', 'triplets'):
        for name in sorted(os.listdir(os.path.join(DATASETS, kind))):
            path = merged(kind, name)
            if path:
                scenes.append(Scene(f'{kind}/{name}', read_hdr(path)))
    return scenes


def split(scenes: list[Scene]) -> tuple[list[Scene], list[Scene]]:
    return [s for s in scenes if s.name not in HELD_OUT], [s for s in scenes if s.name in HELD_OUT]


def draw_params(rng: np.random.Generator) -> tuple[float, float, float, int]:
    """Training exposure error and noise: s in [-3.5, -1.5] U [1.5, 3.5], a, b, q (wider than the benchmark)."""
    s = float(rng.uniform(1.5, 3.5)) * (1 if rng.random() < 0.5 else -1)
    return s, float(rng.uniform(0, 4e-3)), float(rng.uniform(0, 6e-3)), int(rng.integers(60, 99))


def compress_range(r: np.ndarray, gamma: float) -> np.ndarray:
    """A lower-dynamic-range variant of a scene: luminance about its median raised to gamma (< 1), hue kept.

    The training scenes' highlights (windows, suns: 50-800 x the median at the 99.9th percentile)
    are far brighter than the held-out ones' (3-25 x), so a net trained on them alone learns to
    brighten every clipped region; half the samples are range-compressed to cover both.
    """
    y = r @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    m = max(float(np.median(y)), 1e-8)
    scale = np.power(np.maximum(y, 1e-12) / m, gamma - 1)
    return (r * scale[..., None]).astype(np.float32)


RANGE_TARGET = (2.0, 100.0)


def highlight_ratio(r: np.ndarray) -> float:
    """99.9th percentile over median of the luminance (on every other pixel, for speed)."""
    y = r[::2, ::2] @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    m = float(np.median(y))
    return float(np.percentile(y, 99.9)) / m if m > 0 else 1.0


def compress_highlights(r: np.ndarray, ratio: float, target: float) -> np.ndarray:
    """Luminance above the median raised to gamma = ln(target) / ln(ratio) about it (hue kept, shadows untouched).

    The training scenes' highlights (99.9th percentile 35-850 x the median in 11 of 14) are far
    brighter than the held-out ones' (3-23 x); this maps a crop's ratio to a drawn target so the
    training distribution spans 2..100 x instead of the extremes.
    """
    if ratio <= target or ratio <= 1:
        return r
    gamma = np.log(target) / np.log(ratio)
    y = r @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    m = max(float(np.median(y)), 1e-8)
    scale = np.power(np.maximum(y, m) / m, gamma - 1)
    return (r * scale[..., None]).astype(np.float32)


class Sampler:
    """Random training batches of rendered pairs at a square working crop."""

    def __init__(self, scenes: list[Scene], seed: int, crop: int = 128, max_factor: float = 6.0,
                 range_aug: str = 'target'):
        self.scenes = scenes
        self.range_aug = range_aug
        self.rng = np.random.default_rng(seed)
        self.crop = crop
        self.max_factor = max_factor

    def sample(self) -> dict[str, np.ndarray]:
        rng = self.rng
        scene = self.scenes[rng.integers(len(self.scenes))]
        h, w, _ = scene.radiance.shape
        fmax = min(self.max_factor, h / self.crop, w / self.crop)
        f = float(np.exp(rng.uniform(np.log(1.5), np.log(fmax)))) if fmax > 1.5 else fmax
        n = min(h, w, int(round(self.crop * f)))
        y0, x0 = rng.integers(0, h - n + 1), rng.integers(0, w - n + 1)
        r = scene.radiance[y0:y0 + n, x0:x0 + n]
        if rng.random() < 0.5:
            r = r[:, ::-1]
        if rng.random() < 0.5:
            r = r[::-1]
        r = np.ascontiguousarray(r) * np.exp(rng.normal(0, 0.1, 3)).astype(np.float32)  # white-balance jitter
        if self.range_aug == 'target':
            t = float(np.exp(rng.uniform(np.log(RANGE_TARGET[0]), np.log(RANGE_TARGET[1]))))
            r = compress_highlights(r, highlight_ratio(r), t)
        elif rng.random() < 0.5:
            r = compress_range(r, float(rng.uniform(0.4, 1.0)))
        s, a, b, q = draw_params(rng)
        p = render_pair(r, s, a, b, q, self.crop, self.crop, rng)
        p['s'] = np.float32(s)
        return p

    def batch(self, size: int) -> dict[str, np.ndarray]:
        items = [self.sample() for _ in range(size)]
        return {k: np.stack([it[k] for it in items]) for k in ('input', 'log_hdr', 'ldr', 's')}


VAL_STOPS = (-3.0, -2.5, -2.0, 2.0, 2.5, 3.0)
VAL_NOISE = ((2e-4, 5e-4), (2e-3, 3e-3))  # the benchmark's range ends


def validation_set(held_out: list[Scene], seed: int = 1234) -> list[dict]:
    """Fixed held-out renders: per scene 3 crops (whole frame, left and right squares) x 6 stops x 2 noise levels.

    Every crop is downsampled by the factor the runtime uses for that scene's whole frame (long side
    384): 2.67 for the 1024 px overpass band, 2 for the 768 px taipei merge.
    """
    rng = np.random.default_rng(seed)
    out = []
    for scene in held_out:
        h, w, _ = scene.radiance.shape
        f = max(h, w) / 384
        side = min(h, w)
        for (y0, x0, ch, cw) in [(0, 0, h, w), (0, 0, side, side), (h - side, w - side, side, side)]:
            r = np.ascontiguousarray(scene.radiance[y0:y0 + ch, x0:x0 + cw])
            ww, hh = round(cw / f), round(ch / f)
            for s in VAL_STOPS:
                for (a, b) in VAL_NOISE:
                    q = int(rng.integers(75, 96))
                    p = render_pair(r, s, a, b, q, ww, hh, rng)
                    p.update(scene=scene.name, s=s, a=a, b=b, q=q)
                    del p['codes']
                    out.append(p)
    return out
