import { describe, expect, it } from 'vitest';
import { boxFilter, createBoxScratch } from '../../../../src-shared/filters/box-filter';
import { rng } from '../merge/synthetic-bracket';

/** The definition: mean of the pixels of the (2r+1)^2 window that lie inside the image. */
function bruteBox(src: Float32Array, w: number, h: number, r: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let c = 0;
      for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) {
        for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++) {
          s += src[v * w + u];
          c++;
        }
      }
      out[y * w + x] = s / c;
    }
  }
  return out;
}

function randomPlane(w: number, h: number, seed: number): Float32Array {
  const rand = rng(seed);
  return Float32Array.from({ length: w * h }, () => rand() * 10 - 3);
}

function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('boxFilter', () => {
  it.each([
    [1, 1, 1],
    [7, 5, 1],
    [13, 9, 2],
    [9, 13, 4],
    [6, 4, 10],
    [31, 17, 7],
  ])('matches the brute-force clipped window mean (%ix%i, r=%i)', (w, h, r) => {
    const src = randomPlane(w, h, w * 31 + h + r);
    expect(worstDiff(boxFilter(src, w, h, r), bruteBox(src, w, h, r))).toBeLessThan(2e-5);
  });

  it('copies at radius 0 and works in place with a reused scratch', () => {
    const src = randomPlane(12, 8, 3);
    expect(Array.from(boxFilter(src, 12, 8, 0))).toEqual(Array.from(src));
    const ref = bruteBox(src, 12, 8, 3);
    const scratch = createBoxScratch(12, 8);
    const inPlace = src.slice();
    expect(boxFilter(inPlace, 12, 8, 3, inPlace, scratch)).toBe(inPlace);
    expect(worstDiff(inPlace, ref)).toBeLessThan(2e-5);
    // Same scratch again: nothing left over from the last call.
    expect(worstDiff(boxFilter(src, 12, 8, 3, undefined, scratch), ref)).toBeLessThan(2e-5);
  });

  it('keeps a constant plane constant, borders included', () => {
    const out = boxFilter(new Float32Array(40 * 30).fill(0.37), 40, 30, 6);
    expect(worstDiff(out, new Float32Array(40 * 30).fill(0.37))).toBeLessThan(1e-6);
  });

  it('rejects bad sizes, radii and buffers', () => {
    const src = new Float32Array(12);
    expect(() => boxFilter(src, 4, 4, 1)).toThrow(RangeError);
    expect(() => boxFilter(src, 4, 3, -1)).toThrow(RangeError);
    expect(() => boxFilter(src, 4, 3, 1.5)).toThrow(RangeError);
    expect(() => boxFilter(src, 4, 3, 1, new Float32Array(5))).toThrow(RangeError);
  });
});
