"""Exports a trained DRHT checkpoint to the two ONNX files, checked against PyTorch before writing.

  /usr/bin/python3 training/correct/export.py --ckpt tmp/correct/drht.pt --out-dir resources/models \
      --fixtures tests/fixtures/models/correct-golden.json

correct-hdr.onnx ('ldr' [1,5,H,W] -> 'log_hdr' [1,3,H,W]) and correct-ldr.onnx ('log_hdr' -> 'ldr'),
opset 17, batch norm folded (eval mode), H and W dynamic (multiples of 16). Each graph must use only
ops onnxruntime-web's WebGPU backend runs (WEBGPU_OPS) and its first Conv must have <= 3 input
channels, or nothing is written; Conv inputs of other channel counts that are not multiples of 4 are
padded with zero channels (webgpu_graph.py: WebGPU got some of them wrong). Golden cases are
small seeded renders (data.render_pair on a synthetic radiance field) run through PyTorch in eval
mode and, with onnxruntime-web's WASM backend in Node (Python here has no onnxruntime), through
the ONNX files; only when both nets agree within TOLERANCE are the files moved into place.
The golden JSON's ldr case feeds the PyTorch log_hdr of the hdr case, so each net is checked alone.
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
from model import DRHT, count_params  # noqa: E402
from render import render_pair  # noqa: E402
from webgpu_graph import pad_conv_channels  # noqa: E402

OPSET = 17
TOLERANCE = 1e-3
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

CHECK_JS = r"""
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
const [dir, fixturePath] = process.argv.slice(1);
const fx = JSON.parse(readFileSync(fixturePath, 'utf8'));
const floats = (b64) => { const b = Buffer.from(b64, 'base64'); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };
ort.env.wasm.numThreads = 1;
let worst = 0;
for (const c of fx.cases) {
  const s = await ort.InferenceSession.create(new Uint8Array(readFileSync(dir + '/' + c.model)), { executionProviders: ['wasm'] });
  const out = await s.run({ [c.input_name]: new ort.Tensor('float32', floats(c.input), c.input_shape) });
  const got = out[c.output_name].data, want = floats(c.output);
  if (got.length !== want.length) throw new Error(`${c.model}: ${got.length} outputs, want ${want.length}`);
  let max = 0;
  for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  console.log(`${c.model} ${c.input_shape.join('x')}: max |onnx - torch| = ${max.toExponential(2)}`);
  worst = Math.max(worst, max);
}
console.log(`worst ${worst.toExponential(2)}`);
process.exit(worst <= fx.tolerance ? 0 : 1);
"""


def golden_input(h: int, w: int, s: float, seed: int) -> np.ndarray:
    """A rendered input (5 x h x w): a synthetic radiance field with edges and a bright patch, exposed by 2^s."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:4 * h, 0:4 * w].astype(np.float32)
    lum = np.exp(1.5 * np.sin(xx / 11.0) * np.cos(yy / 9.0) + 2.0 * (xx > 2 * w) + 4.0 * ((yy - h) ** 2 + (xx - 3 * w) ** 2 < 60))
    rad = lum[..., None] * np.array([1.0, 0.8, 0.6], dtype=np.float32) * np.exp(rng.normal(0, 0.05, (4 * h, 4 * w, 3)))
    return render_pair(rad.astype(np.float32), s, 1e-3, 2e-3, 85, w, h, rng)['input']


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode()


# Ops onnxruntime-web's WebGPU backend runs (docs/webgpu-operators.md); anything else would fall back to the CPU.
WEBGPU_OPS = {'Abs', 'Add', 'AveragePool', 'Cast', 'Clip', 'Concat', 'Constant', 'ConstantOfShape', 'Conv', 'Div', 'Elu',
              'Equal', 'Exp', 'Expand', 'Gather', 'Less', 'LessOrEqual', 'Log', 'MaxPool', 'Mul', 'Neg', 'Pad', 'Pow',
              'ReduceMax', 'ReduceMean', 'Relu', 'Reshape', 'Resize', 'Shape', 'Slice', 'Sub', 'Tanh', 'Unsqueeze', 'Where'}


def export(net: torch.nn.Module, example: torch.Tensor, path: str, input_name: str, output_name: str) -> list[str]:
    """Exports and checks one net; returns the op types of its graph."""
    torch.onnx.export(net, example, path, opset_version=OPSET, input_names=[input_name], output_names=[output_name],
                      dynamic_axes={input_name: {2: 'H', 3: 'W'}, output_name: {2: 'H', 3: 'W'}})
    m = onnx.load(path)
    # WebGPU gets some Convs over channel counts neither 3 nor a multiple of 4 wrong: their inputs are padded with zeros.
    for line in pad_conv_channels(m):
        print(f'{os.path.basename(path)}: {line}')
    onnx.checker.check_model(m)
    onnx.save(m, path)
    ops = sorted({n.op_type for n in m.graph.node})
    odd = [o for o in ops if o not in WEBGPU_OPS]
    if odd:
        raise SystemExit(f'{os.path.basename(path)}: ops outside the WebGPU list: {odd}')
    weights = {t.name: list(t.dims) for t in m.graph.initializer}
    first = next(n for n in m.graph.node if n.op_type == 'Conv')
    if weights.get(first.input[1], [0, 0])[1] > 3:
        raise SystemExit(f'{os.path.basename(path)}: first Conv has {weights[first.input[1]][1]} input channels (> 3)')
    print(f'{os.path.basename(path)}: ops {", ".join(ops)}; first Conv weight {weights.get(first.input[1])}')
    return ops


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--out-dir', default='resources/models')
    ap.add_argument('--fixtures')
    a = ap.parse_args()
    ck = torch.load(a.ckpt)
    model = DRHT()
    model.load_state_dict(ck['state_dict'])
    model.eval()
    tmpdir = tempfile.mkdtemp(prefix='correct-export-')
    try:
        x = torch.from_numpy(golden_input(32, 48, 2.5, 0))[None]
        export(model.hdr, x, os.path.join(tmpdir, 'correct-hdr.onnx'), 'ldr', 'log_hdr')
        with torch.no_grad():
            export(model.ldr, model.hdr(x), os.path.join(tmpdir, 'correct-ldr.onnx'), 'log_hdr', 'ldr')
        cases = []
        for i, s in enumerate([2.5, -2.5]):
            x = torch.from_numpy(golden_input(32, 48, s, i))[None]
            with torch.no_grad():
                lh = model.hdr(x)
                ldr = model.ldr(lh)
            cases.append({'model': 'correct-hdr.onnx', 'exposure_stops': s, 'input_name': 'ldr', 'input_shape': list(x.shape),
                          'input': b64(x.numpy()), 'output_name': 'log_hdr', 'output_shape': list(lh.shape),
                          'output': b64(lh.numpy())})
            cases.append({'model': 'correct-ldr.onnx', 'exposure_stops': s, 'input_name': 'log_hdr',
                          'input_shape': list(lh.shape), 'input': b64(lh.numpy()), 'output_name': 'ldr',
                          'output_shape': list(ldr.shape), 'output': b64(ldr.numpy())})
        fixtures = {'models': ['correct-hdr.onnx', 'correct-ldr.onnx'], 'tolerance': TOLERANCE,
                    'encoding': 'base64 float32 little-endian, NCHW', 'checkpoint': os.path.basename(a.ckpt),
                    'note': 'PyTorch eval-mode outputs; each ldr case takes the log_hdr output of the hdr case before it',
                    'cases': cases}
        fx_path = os.path.join(tmpdir, 'golden.json')
        with open(fx_path, 'w') as fh:
            json.dump(fixtures, fh)
        r = subprocess.run(['node', '--input-type=module', '-e', CHECK_JS, tmpdir, fx_path], cwd=ROOT,
                           capture_output=True, text=True)
        print(r.stdout.strip(), r.stderr.strip())
        if r.returncode != 0:
            raise SystemExit('ONNX output disagrees with PyTorch (or the check failed): not written')
        worst = float(r.stdout.strip().split('worst ')[-1])
        fixtures['observed_max_abs_diff_onnxruntime_web_wasm'] = worst
        with open(fx_path, 'w') as fh:
            json.dump(fixtures, fh)
        os.makedirs(a.out_dir, exist_ok=True)
        for name, net in (('correct-hdr.onnx', model.hdr), ('correct-ldr.onnx', model.ldr)):
            dst = os.path.join(a.out_dir, name)
            shutil.copyfile(os.path.join(tmpdir, name), dst)
            print(f'wrote {dst}: {os.path.getsize(dst)} bytes, {count_params(net)} parameters, opset {OPSET}')
        if a.fixtures:
            os.makedirs(os.path.dirname(os.path.abspath(a.fixtures)), exist_ok=True)
            shutil.copyfile(fx_path, a.fixtures)
            print(f'wrote {a.fixtures}: {os.path.getsize(a.fixtures)} bytes')
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == '__main__':
    main()
