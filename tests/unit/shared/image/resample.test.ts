import { describe, expect, it } from 'vitest';
import { createLinearImage, type LinearImage } from '../../../../src-shared/image/linear-image';
import { downsample, downsampleKeepingClips, pointSample } from '../../../../src-shared/image/resample';

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

describe('downsampleKeepingClips', () => {
  it('is downsample except where a channel reached the clip level somewhere in the area: there it stays clipped', () => {
    const img = createLinearImage(9, 6, 3, { clipLevel: 1 }, 0);
    img.data.fill(0.25);
    // One clipped green sample at (4, 1): in the area of output pixel (1, 0) for a factor of 3.
    img.data[(1 * 9 + 4) * 3 + 1] = 1;
    const plain = downsample(img, 3);
    const kept = downsampleKeepingClips(img, 3, 1);
    expect([kept.width, kept.height]).toEqual([plain.width, plain.height]);
    // The plain mean would pass for a well-exposed 0.33; the merge must see the clip.
    expect(plain.data[1 * 3 + 1]).toBeCloseTo(0.25 + 0.75 / 9, 6);
    expect(kept.data[1 * 3 + 1]).toBe(1);
    for (let i = 0; i < kept.data.length; i++) if (i !== 1 * 3 + 1) expect(kept.data[i]).toBe(plain.data[i]);
  });

  it('also catches a clip in an area the output pixel only partly covers', () => {
    const img = createLinearImage(10, 1, 1, { clipLevel: 1 }, 0);
    img.data.fill(0.5);
    img.data[3] = 1;
    // Factor 10/3: output pixel 0 covers x 0..3.33, pixel 1 covers 3.33..6.67: x 3 is in both.
    const kept = downsampleKeepingClips(img, 3, 1);
    expect(Array.from(kept.data)).toEqual([1, 1, downsample(img, 3).data[2]]);
  });
});

describe('pointSample', () => {
  it("gives downsample's size, each pixel a source pixel from the centre of its area, unchanged", () => {
    const img = ramp(37, 23);
    const out = pointSample(img, 10);
    const box = downsample(img, 10);
    expect([out.width, out.height, out.ev]).toEqual([box.width, box.height, box.ev]);
    for (let oy = 0; oy < out.height; oy++) {
      for (let ox = 0; ox < out.width; ox++) {
        const x = Math.floor(((ox + 0.5) * 37) / out.width);
        const y = Math.floor(((oy + 0.5) * 23) / out.height);
        expect(out.data[(oy * out.width + ox) * 3 + 1]).toBe(img.data[(y * 37 + x) * 3 + 1]);
      }
    }
    expect(pointSample(img, 40).data).toEqual(img.data);
  });
});
