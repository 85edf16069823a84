import { describe, expect, it } from 'vitest';
import { denoiseDisplay, estimateNoise } from '../../../../src-shared/correct/denoise';
import { createLinearImage } from '../../../../src-shared/image/linear-image';
import { linearToSrgb, srgbToLinear } from '../../../../src-shared/image/srgb';
import { normalSampler } from '../../../../src-shared/random';

/** A step edge (display 0.3 | 0.7) with Gaussian noise of sigma on the display values. */
function noisyEdge(sigma: number, w = 128, h = 96) {
  const noise = normalSampler(7);
  const img = createLinearImage(w, h, 3);
  const clean = createLinearImage(w, h, 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = x < w / 2 ? 0.3 : 0.7;
      for (let c = 0; c < 3; c++) {
        const i = (y * w + x) * 3 + c;
        clean.data[i] = srgbToLinear(v);
        img.data[i] = srgbToLinear(Math.min(1, Math.max(0, v + sigma * noise())));
      }
    }
  }
  return { img, clean };
}

const displayRmse = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (linearToSrgb(a[i]) - linearToSrgb(b[i])) ** 2;
  return Math.sqrt(s / a.length);
};

describe('estimateNoise', () => {
  it('measures Gaussian noise and ignores a smooth ramp', () => {
    const noise = normalSampler(3);
    const w = 200;
    const h = 150;
    const plane = new Float32Array(w * h);
    for (let i = 0; i < plane.length; i++) plane[i] = (i % w) / w + 0.02 * noise();
    expect(estimateNoise(plane, w, h)).toBeGreaterThan(0.017);
    expect(estimateNoise(plane, w, h)).toBeLessThan(0.023);
    const ramp = new Float32Array(w * h).map((_, i) => (i % w) / w);
    expect(estimateNoise(ramp, w, h)).toBeLessThan(1e-4);
  });
});

describe('denoiseDisplay', () => {
  it('removes most of the noise of flat areas and keeps the edge', () => {
    const { img, clean } = noisyEdge(0.04);
    const before = displayRmse(img.data, clean.data);
    const sigma = denoiseDisplay(img);
    expect(sigma).toBeGreaterThan(0.03);
    const after = displayRmse(img.data, clean.data);
    expect(after).toBeLessThan(before / 2);
    // The edge stays a step: the columns next to it keep most of the 0.4 jump.
    const w = img.width;
    let left = 0;
    let right = 0;
    for (let y = 0; y < img.height; y++) {
      left += linearToSrgb(img.data[(y * w + w / 2 - 2) * 3 + 1]);
      right += linearToSrgb(img.data[(y * w + w / 2 + 1) * 3 + 1]);
    }
    expect((right - left) / img.height).toBeGreaterThan(0.25);
  });

  it('leaves a clean image alone', () => {
    const { clean } = noisyEdge(0);
    const copy = Float32Array.from(clean.data);
    expect(denoiseDisplay(clean)).toBeLessThan(1 / 255);
    expect(clean.data).toEqual(copy);
  });
});
