"""Exports a trained fusion checkpoint to ONNX, checked against PyTorch before it is written.

  /usr/bin/python3 training/fusion/export.py --ckpt tmp/fusion/hybrid.pt \
      --out resources/models/fusion.onnx --fixtures tests/fixtures/models/fusion-golden.json

The graph is written to a temporary file first; golden cases (K = 2, 3 and 5 exposures of small
structured images) are run through PyTorch and, with onnxruntime-web's WASM backend in Node
(check-onnx.mjs; Python here has no onnxruntime), through the ONNX file. Only when every output
agrees within TOLERANCE is the model moved to --out and the fixtures written.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(__file__))
from model import FusionNet, count_params  # noqa: E402

OPSET = 17
TOLERANCE = 1e-4
HERE = os.path.dirname(os.path.abspath(__file__))


def golden_input(k: int, h: int, w: int, seed: int) -> np.ndarray:
    """Exposures of one synthetic scene: a smooth radiance field with edges, exposed k ways, clipped."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rad = np.exp(2.5 * np.sin(xx / 9.0) * np.cos(yy / 7.0) + (xx > w / 2) * 1.5 + rng.normal(0, 0.1, (h, w)))
    evs = np.linspace(-2, 2, k)
    frames = [np.clip((rad * 2.0 ** ev / 8) ** (1 / 2.2), 0, 1) for ev in evs]
    return np.stack(frames).astype(np.float32)[None]


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--fixtures')
    a = ap.parse_args()
    ck = torch.load(a.ckpt, map_location='cpu')  # Debian's torch 1.13: no weights_only default
    model = FusionNet()
    model.load_state_dict(ck['state_dict'])
    model.eval()
    tmpdir = tempfile.mkdtemp(prefix='fusion-export-')
    try:
        onnx_path = os.path.join(tmpdir, 'fusion.onnx')
        torch.onnx.export(model, torch.from_numpy(golden_input(2, 48, 64, 0)), onnx_path, opset_version=OPSET,
                          input_names=['exposures'], output_names=['weights'],
                          dynamic_axes={'exposures': {1: 'K', 2: 'H', 3: 'W'}, 'weights': {1: 'K', 2: 'H', 3: 'W'}})
        onnx.checker.check_model(onnx.load(onnx_path))
        cases = []
        for i, (k, h, w) in enumerate([(2, 48, 64), (3, 48, 64), (5, 32, 40)]):
            x = golden_input(k, h, w, i)
            with torch.no_grad():
                y = model(torch.from_numpy(x)).numpy()
            cases.append({'shape': [1, k, h, w], 'input': b64(x), 'output': b64(y)})
        fixtures = {'model': 'fusion.onnx', 'tolerance': TOLERANCE, 'encoding': 'base64 float32 little-endian, NCHW',
                    'checkpoint': os.path.basename(a.ckpt), 'cases': cases}
        fx_path = os.path.join(tmpdir, 'golden.json')
        with open(fx_path, 'w') as fh:
            json.dump(fixtures, fh)
        r = subprocess.run(['node', os.path.join(HERE, 'check-onnx.mjs'), onnx_path, fx_path], capture_output=True, text=True)
        print(r.stdout.strip(), r.stderr.strip())
        if r.returncode != 0:
            raise SystemExit('ONNX output disagrees with PyTorch (or the check failed): not written')
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        shutil.copyfile(onnx_path, a.out)
        print(f'wrote {a.out}: {os.path.getsize(a.out)} bytes, {count_params(model)} parameters, opset {OPSET}')
        if a.fixtures:
            os.makedirs(os.path.dirname(os.path.abspath(a.fixtures)), exist_ok=True)
            shutil.copyfile(fx_path, a.fixtures)
            print(f'wrote {a.fixtures}')
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == '__main__':
    main()
