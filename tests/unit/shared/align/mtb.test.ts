import { describe, expect, it } from 'vitest';
import { codePyramid, mtbLevelsFor, mtbShift, pairQuantile } from '../../../../src-shared/align/mtb';
import { greyProxy } from '../../../../src-shared/align/proxy';
import { photograph, texturedScene } from './scene';

const W = 320;
const H = 224;
const scene = texturedScene(W, H, 10, 5);
const codes = (dx: number, dy: number, ev: number, seed: number, levels = 5) => codePyramid(greyProxy(photograph(scene, W, H, { dx, dy }, ev, seed), 1), levels);

describe('median threshold bitmaps', () => {
  it('find whole-pixel shifts exactly between frames 4 stops apart', () => {
    const ref = codes(0, 0, 0, 1);
    for (const [dx, dy, ev] of [
      [5, -3, 4],
      [-11, 7, -4],
      [0, 0, 4],
      [1, 0, -4],
    ]) {
      const r = mtbShift(ref, codes(dx, dy, ev, 2));
      expect([r.sx, r.sy]).toEqual([dx, dy]);
      expect(r.error).toBeLessThan(0.1);
    }
  });

  it('search ±(2^levels - 1) pixels, with levels no smaller than 16 pixels', () => {
    expect(mtbLevelsFor(1)).toBe(1);
    expect(mtbLevelsFor(15)).toBe(4);
    expect(mtbLevelsFor(16)).toBe(5);
    // 224 px high: levels of 224, 112, 56 and 28 rows, so ±15 px.
    const ref = codes(0, 0, 0, 1, 6);
    expect(ref.map((l) => l.height)).toEqual([224, 112, 56, 28]);
    const r = mtbShift(ref, codes(14, -13, 2, 3, 6));
    expect([r.sx, r.sy]).toEqual([14, -13]);
  });

  it('threshold off the median where one frame is mostly clipped or mostly black', () => {
    const ref = codes(0, 0, 0, 1, 1);
    expect(pairQuantile(ref[0], ref[0])).toBe(0.5);
    expect(pairQuantile(ref[0], codes(0, 0, 6, 4, 1)[0])).toBeLessThan(0.5);
    expect(pairQuantile(ref[0], codes(0, 0, -8, 4, 1)[0])).toBeGreaterThan(0.5);
    // Still exact at 6 stops apart thanks to it.
    const r = mtbShift(codes(0, 0, 0, 1, 4), codes(-6, 4, 6, 5, 4));
    expect([r.sx, r.sy]).toEqual([-6, 4]);
  });
});
