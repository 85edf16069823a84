import { describe, expect, it } from 'vitest';
import { histogram } from '../../../../src-shared/tonemap/histogram';
import { rng } from '../merge/synthetic-bracket';

const sum = (a: Uint32Array): number => a.reduce((s, v) => s + v, 0);

describe('histogram', () => {
  it('counts every pixel once per channel and for luminance, at any bin count', () => {
    const rand = rng(3);
    const px = 37 * 23;
    const rgba = Uint8ClampedArray.from({ length: px * 4 }, () => Math.floor(rand() * 256));
    for (const bins of [1, 16, 64, 100, 256]) {
      const h = histogram(rgba, bins);
      for (const c of [h.r, h.g, h.b, h.luminance]) {
        expect(c).toHaveLength(bins);
        expect(sum(c)).toBe(px);
      }
    }
  });

  it('puts codes in their bins and weighs luminance with Rec. 709', () => {
    const rgba = Uint8ClampedArray.of(0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255, 0, 255, 0, 255);
    const h = histogram(rgba);
    expect(h.r[0]).toBe(2);
    expect(h.r[255]).toBe(2);
    expect(h.luminance[0]).toBe(1);
    expect(h.luminance[255]).toBe(1);
    expect(h.luminance[54]).toBe(1);
    expect(h.luminance[182]).toBe(1);
    expect(histogram(rgba, 4).g[3]).toBe(2);
  });

  it('rejects bad bin counts and ragged data', () => {
    expect(() => histogram(new Uint8ClampedArray(8), 0)).toThrow(RangeError);
    expect(() => histogram(new Uint8ClampedArray(8), 300)).toThrow(RangeError);
    expect(() => histogram(new Uint8ClampedArray(7))).toThrow(RangeError);
  });
});
