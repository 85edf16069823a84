import { describe, expect, it } from 'vitest';
import { createLinearImage, type LinearImage } from '../../../../src-shared/image/linear-image';
import { downsample } from '../../../../src-shared/image/resample';

function ramp(w: number, h: number, ch: 1 | 3 | 4 = 3): LinearImage {
  const img = createLinearImage(w, h, ch, { sourceName: 'a.png', clipLevel: 1 }, 1.5);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) img.data[(y * w + x) * ch + c] = x + 100 * y + 0.25 * c;
  return img;
}

describe('downsample', () => {
  it('averages whole blocks exactly for integer factors', () => {
    const img = ramp(8, 6);
    const out = downsample(img, 4);
    expect([out.width, out.height, out.channels, out.ev]).toEqual([4, 3, 3, 1.5]);
    expect(out.meta).toEqual(img.meta);
    // Block (1, 2) covers x 2..3, y 4..5: mean x 2.5, mean y 4.5.
    expect(out.data[(2 * 4 + 1) * 3 + 2]).toBeCloseTo(2.5 + 450 + 0.5, 4);
  });

  it('keeps the mean of the image for any factor', () => {
    for (const [w, h, side] of [
      [37, 23, 10],
      [23, 37, 7],
      [100, 3, 33],
      [5, 5, 1],
    ]) {
      const img = ramp(w, h, 1);
      const out = downsample(img, side);
      expect(Math.max(out.width, out.height)).toBe(side);
      const mean = (d: Float32Array) => d.reduce((a, v) => a + v, 0) / d.length;
      // Equal-area output pixels: the mean of the means is the mean.
      expect(mean(out.data)).toBeCloseTo(mean(img.data), 2);
    }
  });

  it('returns a copy when the image is already small enough', () => {
    const img = ramp(5, 4, 4);
    const out = downsample(img, 5);
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
  });

  it('rejects a bad size', () => {
    expect(() => downsample(ramp(4, 4), 0)).toThrow(RangeError);
    expect(() => downsample(ramp(4, 4), 2.5)).toThrow(RangeError);
  });
});
