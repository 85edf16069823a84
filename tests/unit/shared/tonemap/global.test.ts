import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { srgb8ToLinearLut } from '../../../../src-shared/image/srgb';
import { autoKey, toneMapGlobal, type ToneParams } from '../../../../src-shared/tonemap/global';
import { radianceField, rng } from '../merge/synthetic-bracket';

const W = 64;
const H = 48;
const scene = radianceField(W, H, 12);

/** A display-referred image decoded from random 8-bit codes, with the codes. */
function displayImage(): { img: LinearImage; codes: Uint8Array } {
  const rand = rng(5);
  const lut = srgb8ToLinearLut();
  const codes = new Uint8Array(W * H * 3);
  const data = new Float32Array(W * H * 3);
  for (let i = 0; i < codes.length; i++) {
    codes[i] = Math.floor(rand() * 256);
    data[i] = lut[codes[i]];
  }
  return { img: { width: W, height: H, channels: 3, data, ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } }, codes };
}

function grey(v: number, w = 4, h = 4): LinearImage {
  return { width: w, height: h, channels: 3, data: new Float32Array(w * h * 3).fill(v), ev: null, meta: {} };
}

const meanCode = (d: Uint8ClampedArray): number => {
  let s = 0;
  for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
  return s / ((d.length / 4) * 3);
};

/** Spread of the luminance codes (standard deviation). */
function spread(d: Uint8ClampedArray): number {
  const m = meanCode(d);
  let s = 0;
  for (let i = 0; i < d.length; i += 4) s += ((d[i] + d[i + 1] + d[i + 2]) / 3 - m) ** 2;
  return Math.sqrt(s / (d.length / 4));
}

describe('toneMapGlobal', () => {
  const key = autoKey(scene);
  const modes: ToneParams['mode'][] = ['radiance', 'display'];

  it('maps mid-grey to code ~118 in display mode at exposure 0, whatever the contrast', () => {
    for (const contrast of [0, -0.7, 0.7]) {
      const out = toneMapGlobal(grey(0.18), { exposure: 0, contrast, mode: 'display' });
      expect(Array.from(out.data.subarray(0, 4))).toEqual([118, 118, 118, 255]);
    }
  });

  it('is the plain sRGB encode at neutral contrast in display mode (within 1 code)', () => {
    const { img, codes } = displayImage();
    const out = toneMapGlobal(img, { exposure: 0, contrast: 0, mode: 'display' });
    let worst = 0;
    for (let p = 0; p < W * H; p++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(out.data[p * 4 + c] - codes[p * 3 + c]));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it.each(modes)('is monotone in exposure, pixel by pixel (%s)', (mode) => {
    let prev: Uint8ClampedArray | null = null;
    for (let exposure = -5; exposure <= 5; exposure += 0.5) {
      const out = toneMapGlobal(scene, { exposure, contrast: 0.3, mode, key }).data;
      let backwards = 0;
      if (prev) for (let i = 0; i < out.length; i++) if (out[i] < prev[i]) backwards++;
      expect(backwards).toBe(0);
      prev = out;
    }
    expect(meanCode(prev as Uint8ClampedArray)).toBeGreaterThan(meanCode(toneMapGlobal(scene, { exposure: -5, contrast: 0.3, mode, key }).data));
  });

  it.each(modes)('spreads the tones more with more contrast (%s)', (mode) => {
    const s = [-1, -0.5, 0, 0.5, 1].map((contrast) => spread(toneMapGlobal(scene, { exposure: 0, contrast, mode, key }).data));
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
  });

  it('writes opaque in-range pixels, also for zero, negative, NaN and infinite input', () => {
    const img = grey(0.5, 3, 2);
    img.data.set([0, 0, 0, -1, 0.2, 0.2, NaN, 0.5, 0.5, Infinity, Infinity, Infinity, 1e30, 1e30, 1e30, 1e-30, 1e-30, 1e-30]);
    for (const mode of modes) {
      const out = toneMapGlobal(img, { exposure: 1, contrast: 0.5, mode, key: 1 });
      expect(out.data).toHaveLength(3 * 2 * 4);
      for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(255);
      expect(Array.from(out.data.subarray(0, 3))).toEqual([0, 0, 0]);
      expect(Array.from(out.data.subarray(12, 15))).toEqual([255, 255, 255]);
      expect(Array.from(out.data.subarray(16, 19))).toEqual([255, 255, 255]);
      expect(Array.from(out.data.subarray(20, 23))).toEqual([0, 0, 0]);
    }
  });

  it('gives the same bytes for the same parameters, into a reused buffer too', () => {
    const p: ToneParams = { exposure: 0.7, contrast: -0.3, mode: 'radiance', key };
    const a = toneMapGlobal(scene, p).data;
    const buf = new Uint8ClampedArray(W * H * 4).fill(7);
    const b = toneMapGlobal(scene, p, buf);
    expect(b.data).toBe(buf);
    expect(b.data).toEqual(a);
  });

  it('puts any scene at the same brightness with its auto key (radiance mode)', () => {
    const bright = { ...scene, data: scene.data.map((v) => v * 37) };
    const a = toneMapGlobal(scene, { exposure: 0, contrast: 0, mode: 'radiance', key: autoKey(scene) });
    const b = toneMapGlobal(bright, { exposure: 0, contrast: 0, mode: 'radiance', key: autoKey(bright) });
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    expect(worst).toBeLessThanOrEqual(1);
    // Without a key in the params it computes the same one.
    expect(toneMapGlobal(scene, { exposure: 0, contrast: 0, mode: 'radiance' }).data).toEqual(a.data);
  });

  it('handles grey (1-channel) and RGBA input', () => {
    const g1: LinearImage = { width: 2, height: 1, channels: 1, data: Float32Array.of(0.18, 1), ev: null, meta: {} };
    expect(Array.from(toneMapGlobal(g1, { exposure: 0, contrast: 0, mode: 'display' }).data)).toEqual([118, 118, 118, 255, 255, 255, 255, 255]);
    const g4: LinearImage = { width: 1, height: 1, channels: 4, data: Float32Array.of(0.18, 0.18, 0.18, 0), ev: null, meta: {} };
    expect(Array.from(toneMapGlobal(g4, { exposure: 0, contrast: 0, mode: 'display' }).data)).toEqual([118, 118, 118, 255]);
  });

  it('rejects parameters out of range and a wrong output buffer', () => {
    const img = grey(0.2);
    expect(() => toneMapGlobal(img, { exposure: 6, contrast: 0, mode: 'display' })).toThrow(RangeError);
    expect(() => toneMapGlobal(img, { exposure: 0, contrast: NaN, mode: 'display' })).toThrow(RangeError);
    expect(() => toneMapGlobal(img, { exposure: 0, contrast: 0, mode: 'radiance', key: 0 })).toThrow(RangeError);
    expect(() => toneMapGlobal(img, { exposure: 0, contrast: 0, mode: 'display' }, new Uint8ClampedArray(3))).toThrow(RangeError);
  });
});

describe('autoKey', () => {
  it('is 0.18 / the log-average luminance', () => {
    expect(autoKey(grey(0.18))).toBeCloseTo(1, 4);
    expect(autoKey(grey(0.045))).toBeCloseTo(4, 3);
    expect(autoKey(grey(0))).toBeLessThanOrEqual(1e6);
  });
});
