import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { chromaScale, DISPLAY_P3_PRIMARIES, rgbToXyz, SRGB_PRIMARIES, SRGB_TO_DISPLAY_P3 } from '../../../../src-shared/tonemap/output-space';
import { toneMap } from '../../../../src-shared/tonemap/tone-map';

function pixels(...rgb: number[][]): LinearImage {
  return { width: rgb.length, height: 1, channels: 3, data: Float32Array.from(rgb.flat()), ev: null, meta: {} };
}

describe('output primaries', () => {
  it('derives the sRGB -> XYZ matrix of IEC 61966-2-1 and the P3 conversion of CSS Color 4', () => {
    const xyz = rgbToXyz(SRGB_PRIMARIES);
    [0.4123908, 0.3575843, 0.1804808, 0.212639, 0.7151687, 0.0721923, 0.0193308, 0.1191948, 0.9505322].forEach((v, i) => expect(xyz[i]).toBeCloseTo(v, 6));
    // CSS Color 4: XYZ_to_lin_P3 x lin_sRGB_to_XYZ.
    [0.8224621, 0.177538, 0, 0.0331941, 0.9668058, 0, 0.0170827, 0.0723974, 0.9105199].forEach((v, i) => expect(SRGB_TO_DISPLAY_P3[i]).toBeCloseTo(v, 6));
    // Same white, same luminance row.
    const p3 = rgbToXyz(DISPLAY_P3_PRIMARIES);
    expect(p3[3] + p3[4] + p3[5]).toBeCloseTo(1, 12);
  });

  it('encodes pure sRGB red inside P3, less saturated in code values: about (0.917, 0.200, 0.139)', () => {
    const opts = { key: 1, gamut: 'hard' as const };
    const srgb = toneMap(pixels([1, 0, 0]), { operator: 'none' }, { ...opts, output: 'srgb' }).data;
    const p3 = toneMap(pixels([1, 0, 0]), { operator: 'none' }, { ...opts, output: 'display-p3' }).data;
    expect(Array.from(srgb.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(p3.subarray(0, 3))).toEqual([Math.round(0.9175 * 255), Math.round(0.2003 * 255), Math.round(0.1387 * 255)]);
    // The soft gamut mapping leaves it alone too: it is well inside P3.
    expect(toneMap(pixels([1, 0, 0]), { operator: 'none' }, { key: 1, output: 'display-p3' }).data).toEqual(p3);
  });

  it('keeps greys identical in both spaces', () => {
    const img = pixels([0.01, 0.01, 0.01], [0.18, 0.18, 0.18], [0.7, 0.7, 0.7]);
    for (const operator of ['none', 'filmic'] as const) {
      const a = toneMap(img, { operator }, { key: 1, output: 'srgb' }).data;
      expect(toneMap(img, { operator }, { key: 1, output: 'display-p3' }).data).toEqual(a);
    }
  });

  it('brings out-of-gamut colours inside at the same luminance and hue order', () => {
    // Too bright a blue for its luminance, and a colour with a negative channel.
    const img = pixels([0.05, 0.05, 3], [-0.2, 0.5, 0.3]);
    for (const gamut of ['soft', 'hard'] as const) {
      const out = toneMap(img, { operator: 'none' }, { key: 1, output: 'srgb', gamut }).data;
      expect(out[2]).toBeGreaterThan(out[0]);
      expect(out[0]).toBeGreaterThan(0);
      expect(out[5]).toBeGreaterThan(out[6]);
      expect(out[6]).toBeGreaterThan(out[4]);
    }
  });
});

describe('chromaScale', () => {
  it('is 1 inside the knee, lands on the boundary for hard, and squeezes softly into the knee..1 band', () => {
    expect(chromaScale(0.5, 0.9)).toBe(1);
    expect(chromaScale(0.95, 1)).toBe(1);
    expect(chromaScale(2, 1)).toBe(0.5);
    let prev = 0;
    for (let q = 0.91; q < 1.6; q *= 1.05) {
      const mapped = q * chromaScale(q, 0.9);
      expect(mapped).toBeGreaterThan(prev);
      expect(mapped).toBeLessThan(1);
      prev = mapped;
    }
    expect(1e6 * chromaScale(1e6, 0.9)).toBeLessThanOrEqual(1);
  });
});
