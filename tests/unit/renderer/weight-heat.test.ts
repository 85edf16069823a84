/** The weights overlay's pixels: one colour per weight level, brighter as the frame gives more, the legend from the same ramp. */
import { describe, expect, it } from 'vitest';
import { WEIGHT_ALPHA, WEIGHT_STOPS, weightLegendGradient, weightOverlayPixels } from '../../../src-renderer/src/lib/weight-heat';

const luma = (rgba: Uint8ClampedArray, p: number): number => 0.2126 * rgba[p * 4] + 0.7152 * rgba[p * 4 + 1] + 0.0722 * rgba[p * 4 + 2];

describe('weight overlay pixels', () => {
  it('maps 0 and 255 to the ends of the ramp, every pixel equally opaque', () => {
    const rgba = weightOverlayPixels(Uint8Array.from([0, 255, 128]));
    expect(rgba).toHaveLength(12);
    expect(Array.from(rgba.subarray(0, 3))).toEqual(WEIGHT_STOPS[0].slice(1));
    expect(Array.from(rgba.subarray(4, 7))).toEqual(WEIGHT_STOPS[WEIGHT_STOPS.length - 1].slice(1));
    for (let p = 0; p < 3; p++) expect(rgba[p * 4 + 3]).toBe(WEIGHT_ALPHA);
  });

  it('gets brighter as the weight rises, so more weight always reads as more', () => {
    const rgba = weightOverlayPixels(Uint8Array.from({ length: 256 }, (_, v) => v));
    for (let v = 8; v < 256; v += 8) expect(luma(rgba, v)).toBeGreaterThan(luma(rgba, v - 8));
  });

  it('draws the legend from the same stops, 0% to 100%', () => {
    const g = weightLegendGradient();
    expect(g).toMatch(/^linear-gradient\(to right, rgb\(20 12 60\) 0%/);
    expect(g).toContain('rgb(253 231 37) 100%');
  });
});
