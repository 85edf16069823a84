import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { ADOBE_RGB_PRIMARIES, iccColorants, iccProfile } from '../../../../src-shared/codecs/icc';
import { iccColorantMatrix } from '../../../../src-shared/codecs/icc-read';
import { chromaScale, conversionMatrix, DISPLAY_P3_PRIMARIES, rgbToXyz, SRGB_PRIMARIES, SRGB_TO_DISPLAY_P3 } from '../../../../src-shared/tonemap/output-space';
import { outputMatrix } from '../../../../src-shared/tonemap/tone-plan';
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

describe('frames in another colour space than sRGB (the render converts from their colorants)', () => {
  const close = (a: readonly number[], b: readonly number[], tol: number): void => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(tol));

  it('builds working -> output matrices from ICC colorants: sRGB frames as before, P3 frames into P3 unchanged, Adobe RGB through XYZ', () => {
    expect(outputMatrix('srgb', null)).toBeNull();
    expect(outputMatrix('display-p3', null)).toBe(SRGB_TO_DISPLAY_P3);
    // The D50 adaptation of ICC colorants cancels: sRGB colorants into P3 is the D65 conversion.
    close(outputMatrix('display-p3', iccColorants(SRGB_PRIMARIES))!, SRGB_TO_DISPLAY_P3, 1e-9);
    close(outputMatrix('display-p3', iccColorants(DISPLAY_P3_PRIMARIES))!, [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-9);
    close(outputMatrix('srgb', iccColorants(ADOBE_RGB_PRIMARIES))!, conversionMatrix(ADOBE_RGB_PRIMARIES, SRGB_PRIMARIES), 1e-9);
    // An embedded profile's colorants are 16.16 fixed point: P3 read back from our own profile is identity within 1e-4.
    close(outputMatrix('display-p3', iccColorantMatrix(iccProfile('display-p3')))!, [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-4);
  });

  it('renders P3 frames into a P3 output with their own codes, and Adobe RGB green into P3 more saturated than sRGB green', () => {
    const img = pixels([0.5, 0.1, 0.05], [0.05, 0.4, 0.1], [0.18, 0.18, 0.18]);
    const settings = { operator: 'none' as const };
    const asSrgb = toneMap(img, settings, { key: 1, output: 'srgb' }).data;
    const p3 = toneMap(img, settings, { key: 1, output: 'display-p3', source: iccColorants(DISPLAY_P3_PRIMARIES) }).data;
    // P3 codes into P3: the same codes an sRGB image gets into sRGB (no conversion), not sRGB -> P3's duller ones.
    expect(Array.from(p3)).toEqual(Array.from(asSrgb));
    expect(Array.from(toneMap(img, settings, { key: 1, output: 'display-p3' }).data)).not.toEqual(Array.from(asSrgb));
    // Adobe RGB (0, 1, 0) lies beyond P3's green: into P3 it comes out greener than sRGB green does.
    const green = pixels([0, 0.3, 0]);
    const fromAdobe = toneMap(green, settings, { key: 1, output: 'display-p3', source: iccColorants(ADOBE_RGB_PRIMARIES), gamut: 'hard' }).data;
    const fromSrgb = toneMap(green, settings, { key: 1, output: 'display-p3', gamut: 'hard' }).data;
    expect(fromAdobe[1] - fromAdobe[0]).toBeGreaterThan(fromSrgb[1] - fromSrgb[0] + 20);
  });
});
