"""Rendered pairs for single-frame correction, and the runtime's working-resolution preprocessing.

A pair follows tmp/correct-spec.md exactly: a scene radiance map R is normalised so its median
Rec.709 luminance is 0.18 (x, the truth), exposed by 2^s, given Poisson-Gaussian noise in linear
light (y += sqrt(a y + b^2) N(0, 1), per channel), clipped, sRGB-encoded to 8 bits and JPEG
compressed (PIL, quality q, PIL's default 4:2:0 chroma subsampling).

The network input is built as src-shared/correct will build it (src-shared/correct/meta.ts):
linearise the decoded codes, area-downsample the LINEAR image (cv2.INTER_AREA) to the working
resolution, preGain = clamp(0.18 / median(Y), 1/64, 64) (64 when the median is 0), and channels
[sRGB-encode(linear, 0..1) x3, clip indicator clamp((max_c - 0.95) / 0.05, 0, 1) on those encoded
values, log2(preGain) / 4]. The truth at working resolution is x downsampled the same way (area, on
linear): log target ln(x + 1e-4), LDR target sRGB(clamp(x, 0, 1)).
"""
from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

MIDDLE_GREY = 0.18
LUMA_709 = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
PRE_GAIN_MIN, PRE_GAIN_MAX = 1 / 64, 64.0
WORKING_SIDE = 384
MULTIPLE = 16
LOG_EPS = 1e-4


def srgb_encode(v: np.ndarray) -> np.ndarray:
    """IEC 61966-2-1 encoding of linear values (expects 0..1; negatives are treated as 0)."""
    v = np.maximum(v, 0)
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * np.power(v, 1 / 2.4) - 0.055).astype(np.float32)


def srgb_decode(c: np.ndarray) -> np.ndarray:
    c = np.asarray(c, dtype=np.float32)
    return np.where(c <= 0.04045, c / 12.92, np.power((c + 0.055) / 1.055, 2.4)).astype(np.float32)


def luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ LUMA_709


def normalise(radiance: np.ndarray) -> np.ndarray:
    """x = R * 0.18 / median(Y) (the spec's step 1-2; mean of Y > 0 if the median is 0)."""
    y = luminance(radiance)
    m = float(np.median(y))
    if m <= 0:
        pos = y[y > 0]
        m = float(pos.mean()) if pos.size else 1.0
    return (radiance * (MIDDLE_GREY / m)).astype(np.float32)


def expose(x: np.ndarray, s: float, a: float, b: float, q: int, rng: np.random.Generator) -> np.ndarray:
    """The spec's steps 4-6: exposure 2^s, noise, clip, 8-bit sRGB, JPEG at quality q -> decoded codes (uint8)."""
    y = x * np.float32(2.0 ** s)
    y = y + np.sqrt(a * np.maximum(y, 0) + b * b) * rng.standard_normal(y.shape, dtype=np.float32)
    codes = np.round(255 * srgb_encode(np.clip(y, 0, 1))).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(codes).save(buf, 'JPEG', quality=int(q))
    buf.seek(0)
    return np.asarray(Image.open(buf).convert('RGB'))


def area_resize(img: np.ndarray, w: int, h: int) -> np.ndarray:
    if img.shape[1] == w and img.shape[0] == h:
        return img.astype(np.float32)
    return cv2.resize(img.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)


def working_size(w: int, h: int, side: int = WORKING_SIDE) -> tuple[int, int]:
    """Runtime working size: long side `side` (never upscaled)."""
    s = min(1.0, side / max(w, h))
    return max(1, round(w * s)), max(1, round(h * s))


def pre_gain(lin: np.ndarray) -> float:
    m = float(np.median(luminance(lin)))
    if m <= 0:
        return PRE_GAIN_MAX
    return float(np.clip(MIDDLE_GREY / m, PRE_GAIN_MIN, PRE_GAIN_MAX))


def net_input(lin_work: np.ndarray) -> np.ndarray:
    """5 x H x W float32 network input from the linear frame at working resolution (H x W x 3)."""
    g = pre_gain(lin_work)
    enc = srgb_encode(np.clip(lin_work, 0, 1))
    clip = np.clip((enc.max(axis=2) - 0.95) / 0.05, 0, 1)
    plane = np.full(clip.shape, np.log2(g) / 4, dtype=np.float32)
    return np.concatenate([enc.transpose(2, 0, 1), clip[None], plane[None]]).astype(np.float32)


def targets(x_work: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log_hdr 3 x H x W = ln(x + 1e-4), ldr 3 x H x W = sRGB(clamp(x, 0, 1)))."""
    log_hdr = np.log(np.maximum(x_work, 0) + LOG_EPS).transpose(2, 0, 1)
    ldr = srgb_encode(np.clip(x_work, 0, 1)).transpose(2, 0, 1)
    return log_hdr.astype(np.float32), ldr.astype(np.float32)


def render_pair(radiance: np.ndarray, s: float, a: float, b: float, q: int, w: int, h: int,
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One pair rendered at the radiance's own resolution, then taken to the working size w x h.

    Returns input (5 x h x w), log_hdr and ldr targets (3 x h x w), the linear input at working
    resolution (lin, h x w x 3), its preGain, and the full-resolution codes.
    """
    x = normalise(radiance)
    codes = expose(x, s, a, b, q, rng)
    lin = area_resize(srgb_decode(codes / np.float32(255)), w, h)
    x_work = area_resize(x, w, h)
    log_hdr, ldr = targets(x_work)
    return {'input': net_input(lin), 'log_hdr': log_hdr, 'ldr': ldr, 'lin': lin, 'pre_gain': np.float32(pre_gain(lin)),
            'codes': codes}


def pad_to_multiple(a: np.ndarray, m: int = MULTIPLE) -> np.ndarray:
    """Edge-replication padding of a C x H x W array at the bottom/right to multiples of m (the runtime's)."""
    _, h, w = a.shape
    return np.pad(a, ((0, 0), (0, (-h) % m), (0, (-w) % m)), mode='edge')
