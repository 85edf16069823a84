"""Packs the training and validation data of the fusion net into one .npz, for a machine without
../shared (the GPU machine lent by the device tool): every scene's luma at the working resolution
(float16) and the radiance maps at half size (float16, median luminance 0.18).

  /usr/bin/python3 training/fusion/pack.py --out .pack/fusion.npz
  LUXFUSE_FUSION_PACK=.pack/fusion.npz python3 training/fusion/train.py ...

The pack is derived from ../shared/datasets and is never committed.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import data  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    if data.PACK:
        raise SystemExit('unset LUXFUSE_FUSION_PACK to pack from ../shared/datasets')
    scenes = data.load_scenes()
    maps = data.load_radiance()
    arrays = {'scene_names': np.array([s.name for s in scenes])}
    for i, s in enumerate(scenes):
        arrays[f'scene_{i}'] = s.frames.astype(np.float16)
    for i, m in enumerate(maps):
        arrays[f'radiance_{i}'] = np.minimum(m, 60000).astype(np.float16)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    np.savez_compressed(a.out, **arrays)
    print(f'wrote {a.out}: {len(scenes)} scenes, {len(maps)} radiance maps, {os.path.getsize(a.out) / 1e6:.1f} MB')


if __name__ == '__main__':
    main()
