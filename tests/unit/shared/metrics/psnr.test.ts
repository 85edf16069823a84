import { describe, expect, it } from 'vitest';
import type { Image8 } from '../../../../src-shared/metrics/grey';
import { meanSquaredError, psnr } from '../../../../src-shared/metrics/psnr';

function image(width: number, height: number, channels: 1 | 3 | 4, sample: (i: number) => number): Image8 {
  return { width, height, data: Uint8ClampedArray.from({ length: width * height * channels }, (_, i) => sample(i)) };
}

describe('psnr', () => {
  it('is Infinity for identical images', () => {
    const a = image(7, 5, 3, (i) => (i * 37) % 256);
    expect(psnr(a, image(7, 5, 3, (i) => (i * 37) % 256))).toBe(Infinity);
  });

  it('gives 10 log10(255^2 / d^2) for a constant offset d on every channel', () => {
    const a = image(16, 9, 3, (i) => 40 + (i % 100));
    const b = image(16, 9, 3, (i) => 45 + (i % 100));
    expect(meanSquaredError(a, b)).toBe(25);
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 25), 12); // 34.15 dB
  });

  it('averages the squared error over R, G and B together', () => {
    // Only green differs, by 6: MSE = 36 / 3 = 12.
    const a = image(4, 4, 3, () => 100);
    const b = image(4, 4, 3, (i) => (i % 3 === 1 ? 106 : 100));
    expect(meanSquaredError(a, b)).toBe(12);
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(65025 / 12), 12);
  });

  it('ignores alpha in RGBA images and scores grey images as they are', () => {
    const a = image(3, 3, 4, (i) => (i % 4 === 3 ? 0 : 50));
    const b = image(3, 3, 4, (i) => (i % 4 === 3 ? 255 : 52));
    expect(meanSquaredError(a, b)).toBe(4);
    expect(meanSquaredError(image(3, 3, 1, () => 10), image(3, 3, 1, () => 13))).toBe(9);
  });

  it('is 0 dB for the largest possible error of black against white, and never negative', () => {
    expect(psnr(image(5, 5, 3, () => 0), image(5, 5, 3, () => 255))).toBe(0);
  });

  it('rejects images of different sizes or layouts', () => {
    expect(() => psnr(image(4, 4, 3, () => 0), image(4, 5, 3, () => 0))).toThrow(RangeError);
    expect(() => psnr(image(4, 4, 3, () => 0), image(4, 4, 4, () => 0))).toThrow(RangeError);
  });
});
