import { describe, expect, it } from 'vitest';
import { decodeJpeg } from '../../../../src-shared/codecs/jpeg';
import {
  cropLinear,
  exposeWithNoise,
  linearToCodes,
  normalSampler,
  renderCorrectionPair,
  sceneAtMiddleGrey,
  sceneMedianLuminance,
} from '../../../../src-shared/correct/render-pair';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { linearToSrgb, srgb8ToLinearLut } from '../../../../src-shared/image/srgb';
import { psnr } from '../../../../src-shared/metrics/psnr';

function radiance(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): LinearImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { width, height, channels: 3, data, ev: null, meta: {} };
}

/** A scene over ~10 stops with smooth gradients and edges, in arbitrary units (median far from 0.18). */
const scene = (grey = false): LinearImage =>
  radiance(65, 49, (x, y) => {
    const l = 37 * 2 ** (6 * Math.sin(x / 9) * Math.cos(y / 7) + (x > 40 ? 3 : 0));
    return grey ? [l, l, l] : [l * 1.2, l, l * 0.7];
  });

const flat = (w: number, h: number, v: number): LinearImage => radiance(w, h, () => [v, v, v]);
/** Equality of two byte arrays as one assertion (toEqual walks large typed arrays slowly). */
const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

const noiseless = { shot: 0, read: 0, quality: 92, seed: 1 };

describe('sceneMedianLuminance and sceneAtMiddleGrey', () => {
  it('puts the median Rec.709 luminance at 0.18 without clipping anything', () => {
    const x = sceneAtMiddleGrey(scene());
    expect(sceneMedianLuminance(x)).toBeCloseTo(0.18, 6);
    expect(Math.max(...x.data)).toBeGreaterThan(1); // unclipped HDR truth
  });

  it('takes the mean of the two middle values for an even count, and the mean of positive luminance when the median is 0', () => {
    const img = radiance(4, 1, (x) => [[1, 2, 4, 8][x], [1, 2, 4, 8][x], [1, 2, 4, 8][x]]);
    expect(sceneMedianLuminance(img)).toBeCloseTo(3, 6);
    const sparse = radiance(5, 1, (x) => (x === 4 ? [2, 2, 2] : x === 3 ? [1, 1, 1] : [0, 0, 0]));
    expect(sceneMedianLuminance(sparse)).toBeCloseTo(1.5, 6);
    expect(() => sceneMedianLuminance(flat(3, 3, 0))).toThrow(RangeError);
  });
});

describe('renderCorrectionPair', () => {
  it('gives a truth whose median code is sRGB(0.18) * 255 = 118 on a grey scene', () => {
    const { truth } = renderCorrectionPair(scene(true), { stops: -2, ...noiseless });
    const g = Array.from({ length: truth.width * truth.height }, (_, p) => truth.data[p * 3]).sort((a, b) => a - b);
    expect(g[g.length >> 1]).toBe(118);
    expect(truth.data.length).toBe(65 * 49 * 3);
  });

  it('at -2 stops without noise gives the truth / 4 in linear light, to within 8-bit rounding', () => {
    const { scene: x, inputCodes, truth } = renderCorrectionPair(scene(), { stops: -2, ...noiseless });
    const lut = srgb8ToLinearLut();
    let checked = 0;
    let relative = 0;
    let worst = 0;
    for (let i = 0; i < x.data.length; i++) {
      if (x.data[i] >= 1) continue; // truth clipped there
      // Each is the nearest code to its linear value, the input's to x / 4 and the truth's to x.
      worst = Math.max(worst, Math.abs(255 * linearToSrgb(x.data[i] / 4) - inputCodes.data[i]), Math.abs(255 * linearToSrgb(x.data[i]) - truth.data[i]));
      if (x.data[i] > 0.1) {
        relative += Math.abs((4 * lut[inputCodes.data[i]]) / lut[truth.data[i]] - 1);
        checked++;
      }
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(checked).toBeGreaterThan(x.data.length / 4);
    expect(relative / checked).toBeLessThan(0.01);
  });

  it('at +2 stops clips everything brighter than 1/4 of the truth white to code 255', () => {
    const { scene: x, inputCodes } = renderCorrectionPair(scene(), { stops: 2, ...noiseless });
    const wrong: number[] = [];
    for (let i = 0; i < x.data.length; i++) {
      if (x.data[i] * 4 >= 1 ? inputCodes.data[i] !== 255 : x.data[i] * 4 < 0.99 && inputCodes.data[i] === 255) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });

  it('encodes the input as a JPEG of the scene size close to its codes', () => {
    const pair = renderCorrectionPair(scene(), { stops: -2.5, shot: 2e-4, read: 5e-4, quality: 92, seed: 4 });
    expect([pair.inputJpeg[0], pair.inputJpeg[1]]).toEqual([0xff, 0xd8]);
    const decoded = decodeJpeg(pair.inputJpeg);
    expect([decoded.width, decoded.height]).toEqual([65, 49]);
    expect(psnr(linearToCodes(decoded), pair.inputCodes)).toBeGreaterThan(35);
    const low = renderCorrectionPair(scene(), { stops: -2.5, shot: 2e-4, read: 5e-4, quality: 75, seed: 4 });
    expect(low.inputJpeg.length).toBeLessThan(pair.inputJpeg.length);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const opts = { stops: 2.5, shot: 2e-3, read: 3e-3, quality: 75, seed: 42 };
    const a = renderCorrectionPair(scene(), opts);
    const b = renderCorrectionPair(scene(), opts);
    expect(same(a.inputJpeg, b.inputJpeg)).toBe(true);
    expect(same(a.truth.data, b.truth.data)).toBe(true);
    const c = renderCorrectionPair(scene(), { ...opts, seed: 43 });
    expect(same(c.inputCodes.data, a.inputCodes.data)).toBe(false);
    expect(same(c.truth.data, a.truth.data)).toBe(true); // the truth is noise-free
  });

  it('uses exactly the noise of exposeWithNoise for its seed', () => {
    const opts = { stops: -3, shot: 2e-3, read: 3e-3, quality: 80, seed: 7 };
    const pair = renderCorrectionPair(scene(), opts);
    const y = exposeWithNoise(pair.scene, opts.stops, opts.shot, opts.read, opts.seed);
    expect(same(pair.inputCodes.data, linearToCodes({ ...pair.scene, data: y }).data)).toBe(true);
  });

  it('rejects a quality outside 1..100', () => {
    expect(() => renderCorrectionPair(scene(), { stops: -2, ...noiseless, quality: 0 })).toThrow(RangeError);
  });
});

describe('exposeWithNoise', () => {
  it('has the mean x 2^s and the standard deviation sqrt(a y + b^2) on a flat patch', () => {
    for (const [v, stops, a, b] of [[0.18, -2, 2e-3, 3e-3], [0.18, 2, 2e-4, 5e-4], [0.02, -3, 1e-3, 2e-3]]) {
      const x = flat(300, 200, v);
      const y = exposeWithNoise(x, stops, a, b, 99);
      const mean = y.reduce((s, t) => s + t, 0) / y.length;
      const sd = Math.sqrt(y.reduce((s, t) => s + (t - mean) ** 2, 0) / (y.length - 1));
      const signal = v * 2 ** stops;
      expect(mean).toBeCloseTo(signal, 4);
      expect(sd / Math.sqrt(a * signal + b * b)).toBeCloseTo(1, 1.7); // within ~1 %, 180 000 samples
    }
  });

  it('adds nothing when both noise terms are 0', () => {
    const x = sceneAtMiddleGrey(scene());
    const y = exposeWithNoise(x, -2, 0, 0, 1);
    expect(Math.max(...y.map((v, i) => Math.abs(v - x.data[i] / 4)))).toBeLessThan(1e-7);
  });

  it('draws standard normals from the seeded sampler', () => {
    const n = normalSampler(5);
    const draws = Array.from({ length: 100000 }, n);
    const mean = draws.reduce((s, t) => s + t, 0) / draws.length;
    const variance = draws.reduce((s, t) => s + (t - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(variance).toBeCloseTo(1, 1.5);
    expect(draws.filter((d) => Math.abs(d) > 1.96).length / draws.length).toBeCloseTo(0.05, 2);
  });
});

describe('cropLinear', () => {
  it('copies the region whose top-left pixel is (x, y)', () => {
    const img = radiance(10, 8, (x, y) => [x, y, x * 100 + y]);
    const c = cropLinear(img, 3, 2, 4, 5);
    expect([c.width, c.height, c.channels]).toEqual([4, 5, 3]);
    expect(Array.from(c.data.subarray(0, 3))).toEqual([3, 2, 302]);
    expect(Array.from(c.data.subarray(c.data.length - 3))).toEqual([6, 6, 606]);
    c.data[0] = -1;
    expect(img.data[(2 * 10 + 3) * 3]).toBe(3); // a copy, not a view
  });

  it('rejects regions outside the image', () => {
    const img = flat(10, 8, 1);
    expect(() => cropLinear(img, 7, 0, 4, 2)).toThrow(RangeError);
    expect(() => cropLinear(img, -1, 0, 2, 2)).toThrow(RangeError);
    expect(() => cropLinear(img, 0, 0, 0, 2)).toThrow(RangeError);
  });
});
