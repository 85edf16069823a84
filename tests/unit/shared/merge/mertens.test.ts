import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BracketMismatchError } from '../../../../src-shared/errors';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
import { mertensBandRows, mertensFuse, mertensPlanes, mertensSetup, weighBand } from '../../../../src-shared/merge/mertens';
import { radianceField, renderBracket } from './synthetic-bracket';

// Debian's python3-opencv lives under the system python, not whatever `python3` is first on PATH.
const PYTHON = '/usr/bin/python3';
const hasOpenCv = spawnSync(PYTHON, ['-c', 'import cv2, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasOpenCv) {
  const msg = `OpenCV reference tests need ${PYTHON} with cv2 and numpy (apt install python3-opencv)`;
  if (process.env.CI) throw new Error(`${msg}; CI must have it`);
  console.warn(`skipping: ${msg}`);
}

const OPENCV_MERTENS = `
import sys, numpy as np, cv2
d, w, h, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
imgs = [np.fromfile(f"{d}/f{i}.bin", dtype=np.uint8).reshape(h, w, 3) for i in range(k)]
out = cv2.createMergeMertens(1.0, 1.0, 1.0).process(imgs)
np.ascontiguousarray(out, dtype=np.float32).tofile(f"{d}/out.bin")
`;

function encoded(data: Float32Array): Float32Array {
  return data.map((v) => linearToSrgb(v));
}

describe('mertensFuse', () => {
  const radiance = radianceField(96, 64, 12);
  const bracket = renderBracket(radiance, [-3, 0, 3]);
  const frames = bracket.map((b) => b.frame);

  it('returns a linear display-referred image in 0..1 with the sRGB clip meta', () => {
    const out = mertensFuse(frames);
    expect([out.width, out.height, out.channels, out.ev]).toEqual([96, 64, 3, null]);
    expect(out.meta).toMatchObject({ sourceTransfer: 'srgb', clipLevel: 1 });
    expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out.data)).toBeLessThanOrEqual(1);
  });

  it('gives a single frame back unchanged', () => {
    const out = mertensFuse([frames[1]]);
    let m = 0;
    for (let i = 0; i < out.data.length; i++) m = Math.max(m, Math.abs(linearToSrgb(out.data[i]) - linearToSrgb(frames[1].data[i])));
    expect(m).toBeLessThan(1e-4);
  });

  it('ignores frames that are blown out or black', () => {
    // A low-range scene that one frame holds entirely.
    const good = renderBracket(radianceField(96, 64, 2), [-1])[0].frame;
    const n = good.data.length;
    const white = { ...good, data: new Float32Array(n).fill(1) };
    const black = { ...good, data: new Float32Array(n) };
    const out = mertensFuse([black, good, white]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(linearToSrgb(out.data[i]) - linearToSrgb(good.data[i]));
    // Flat frames have no contrast, so only the epsilon gives them weight.
    expect(sum / n).toBeLessThan(0.5 / 255);
  });

  it('weighs a grey bracket by contrast and exposure (its saturation is 0 everywhere), not an average of the frames', () => {
    const good = renderBracket(radianceField(96, 64, 2), [-1])[0].frame;
    const n = good.data.length;
    const greyGood = new Float32Array(n);
    for (let i = 0; i < n; i += 3) greyGood.fill(good.data[i + 1], i, i + 3);
    const frame = (data: Float32Array) => ({ ...good, data });
    // Nearly black and nearly white, with the same structure: the kind of frames an average would wash out.
    const dark = greyGood.map((v) => v * 0.02);
    const bright = greyGood.map((v) => Math.min(1, v * 8 + 0.6));
    const out = mertensFuse([frame(dark), frame(greyGood), frame(bright)]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(linearToSrgb(out.data[i]) - linearToSrgb(greyGood[i]));
    // 0.011 with the saturation term left out, 0.102 (the average) with it.
    expect(sum / n).toBeLessThan(0.03);
    // The same on one channel.
    const one = (d: Float32Array) => ({ ...good, channels: 1 as const, data: d.filter((_, i) => i % 3 === 0) });
    expect(mertensFuse([one(dark), one(greyGood), one(bright)]).data).toEqual(out.data);
  });

  it('fuses grey and RGBA frames like the same frames in RGB', () => {
    const rgb = frames.map((f) => {
      const d = new Float32Array(f.data.length);
      for (let i = 0; i < d.length; i += 3) d.fill(f.data[i + 1], i, i + 3);
      return { ...f, data: d };
    });
    const grey = rgb.map((f) => ({ ...f, channels: 1 as const, data: f.data.filter((_, i) => i % 3 === 0) }));
    const rgba = frames.map((f) => {
      const d = new Float32Array((f.data.length / 3) * 4);
      for (let p = 0; p < f.data.length / 3; p++) d.set([...f.data.subarray(p * 3, p * 3 + 3), 0.5], p * 4);
      return { ...f, channels: 4 as const, data: d };
    });
    expect(mertensFuse(grey).data).toEqual(mertensFuse(rgb).data);
    expect(mertensFuse(rgba).data).toEqual(mertensFuse(frames).data);
  });

  it('names the frame whose size does not match', () => {
    const odd = { ...frames[1], width: 95, data: new Float32Array(95 * 64 * 3), meta: { sourceName: 'IMG_2.png' } };
    expect(() => mertensFuse([frames[0], odd])).toThrow(BracketMismatchError);
    expect(() => mertensFuse([frames[0], odd])).toThrow(/IMG_2\.png/);
  });

  it('rejects bad options', () => {
    expect(() => mertensFuse(frames, { sigma: 0 })).toThrow(RangeError);
    expect(() => mertensFuse(frames, { contrast: -1 })).toThrow(RangeError);
    expect(() => mertensFuse(frames, { levels: 0 })).toThrow(RangeError);
  });

  it.skipIf(!hasOpenCv)('agrees with OpenCV createMergeMertens(1, 1, 1) on the same 8-bit bracket', () => {
    const dir = mkdtempSync(join(tmpdir(), 'luxfuse-mertens-'));
    try {
      bracket.forEach((b, i) => writeFileSync(join(dir, `f${i}.bin`), b.codes));
      const r = spawnSync(PYTHON, ['-c', OPENCV_MERTENS, dir, '96', '64', String(bracket.length)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const buf = readFileSync(join(dir, 'out.bin'));
      const ref = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      const ours = encoded(mertensFuse(frames).data);
      let sum = 0;
      let max = 0;
      for (let i = 0; i < ours.length; i++) {
        const d = Math.abs(ours[i] - Math.min(1, Math.max(0, ref[i])));
        sum += d;
        max = Math.max(max, d);
      }
      const mae = sum / ours.length;
      console.info(`mertens vs OpenCV: mean abs diff ${mae.toExponential(2)}, max ${max.toExponential(2)} (encoded 0..1)`);
      // Same weights, same pyramid borders, float32 both: only rounding and our table-based sRGB
      // encode (error < 5e-6) differ, so we ask for 1e-4 mean and a quarter of an 8-bit code at most
      // (measured: 2e-7 and 2e-5). Grey pixels (R = G = B in every frame) would make all weights
      // the 1e-12 epsilon and the result hinge on rounding noise; the synthetic scene has none.
      expect(mae).toBeLessThan(1e-4);
      expect(max).toBeLessThan(0.25 / 255);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('weighs a bracket in row bands of any even size exactly as in one band, and refuses bands that are not', () => {
    const frames = renderBracket(radianceField(53, 47, 10, 2), [-2, 0, 2]).map((r) => r.frame);
    const { params, levels } = mertensSetup(frames);
    const whole = mertensPlanes(3, 53, 47, levels);
    weighBand(frames, params, whole, 0, 47);
    for (const rows of [2, 6, 16]) {
      const banded = mertensPlanes(3, 53, 47, levels);
      for (let y0 = 0; y0 < 47; y0 += rows) weighBand(frames, params, banded, y0, Math.min(47, y0 + rows));
      expect(Array.from(banded.blend)).toEqual(Array.from(whole.blend));
      banded.weights.forEach((wk, k) => expect(Array.from(wk)).toEqual(Array.from(whole.weights[k])));
      banded.g1.forEach((g, k) => expect(Array.from(g.data)).toEqual(Array.from(whole.g1[k].data)));
    }
    expect(() => weighBand(frames, params, whole, 1, 47)).toThrow(/not a band/);
    expect(() => weighBand(frames, params, whole, 0, 21)).toThrow(/not a band/);
    expect(mertensBandRows(4000) % 2).toBe(0);
    expect(mertensBandRows(100)).toBe(16);
  });
});

