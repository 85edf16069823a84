/** The ghost overlay's pixels: clear where the detector is sure nothing moved, heat as it grows, the mask's edge in white. */
import { describe, expect, it } from 'vitest';
import { ghostOverlayPixels, rethreshold } from '../../../src-renderer/src/lib/ghost-heat';

describe('ghost overlay pixels', () => {
  // 6 x 4: uncertainty rising along x; a 3 x 2 mask in the middle.
  const w = 6;
  const h = 4;
  const uncertainty = Uint8Array.from({ length: w * h }, (_, p) => Math.round(((p % w) / (w - 1)) * 255));
  const mask = new Uint8Array(w * h);
  for (const p of [8, 9, 10, 14, 15, 16]) mask[p] = 1;
  const px = (rgba: Uint8ClampedArray, p: number) => Array.from(rgba.subarray(p * 4, p * 4 + 4));

  it('leaves sure-static pixels clear and draws more opaque, redder heat as the uncertainty rises', () => {
    const rgba = ghostOverlayPixels({ width: w, height: h, uncertainty, mask: new Uint8Array(w * h) }, true, true);
    expect(px(rgba, 0)[3]).toBe(0);
    const mid = px(rgba, 3);
    const top = px(rgba, 5);
    expect(top[3]).toBeGreaterThan(mid[3]);
    expect(top[0]).toBe(255);
    expect(top[2]).toBe(0);
  });

  it('outlines the mask where it meets unmasked pixels, and draws nothing with both layers off', () => {
    const rgba = ghostOverlayPixels({ width: w, height: h, uncertainty, mask }, false, true);
    // Every masked pixel here touches an unmasked one: all edge, all white.
    for (const p of [8, 9, 10, 14, 15, 16]) expect(px(rgba, p)).toEqual([255, 255, 255, 255]);
    expect(px(rgba, 5)[3]).toBe(0);
    expect(ghostOverlayPixels({ width: w, height: h, uncertainty, mask }, false, false).every((v) => v === 0)).toBe(true);
    // The inside of a larger mask is not edge.
    const big = new Uint8Array(25).fill(1);
    const inner = ghostOverlayPixels({ width: 5, height: 5, uncertainty: new Uint8Array(25), mask: big }, false, true);
    expect(px(inner, 12)[3]).toBe(0);
    expect(px(inner, 0)).toEqual([255, 255, 255, 255]);
  });

  it('previews another threshold from the uncertainty: a higher one masks less, a lower one more, strokes still win', () => {
    const u = Uint8Array.from({ length: 256 }, (_, i) => i);
    const g = { width: 16, height: 16, uncertainty: u, mask: new Uint8Array(256) };
    const same = rethreshold(g, 1.4, 1.4);
    // At the same threshold: masked from 0.5 up, and the uncertainty unchanged (to within rounding).
    same.mask.forEach((m, i) => expect(m).toBe(i > 127 ? 1 : 0));
    same.uncertainty.forEach((v, i) => expect(Math.abs(v - i)).toBeLessThanOrEqual(1));
    const count = (m: Uint8Array) => m.reduce((a, v) => a + v, 0);
    const higher = rethreshold(g, 1.4, 2);
    const lower = rethreshold(g, 1.4, 1);
    expect(count(higher.mask)).toBeLessThan(count(same.mask));
    expect(count(lower.mask)).toBeGreaterThan(count(same.mask));
    // q scales by (1.4 / 2)^4 = 0.24: a pixel at 0.8 (q = 4) falls to q = 0.96, just under the threshold.
    expect(higher.mask[204]).toBe(0);
    expect(higher.mask[210]).toBe(1);
    const paint = new Int8Array(256);
    paint[0] = 1;
    paint[255] = -1;
    const painted = rethreshold(g, 1.4, 1.4, paint);
    expect([painted.mask[0], painted.mask[255]]).toEqual([1, 0]);
  });
});
