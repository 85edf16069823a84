import { describe, expect, it } from 'vitest';
import { reinhardAdaptation } from '../../../../src-shared/tonemap/local-adaptation';

describe('reinhardAdaptation', () => {
  it('is the luminance itself on a flat image', () => {
    const v = reinhardAdaptation(new Float32Array(50 * 30).fill(0.7), 50, 30, { phi: 8, threshold: 0.05 });
    for (const x of v) expect(x).toBeCloseTo(0.7, 5);
  });

  it('grows its surround in flat areas and stops at an edge: each side adapts to itself', () => {
    const w = 1024;
    const h = 32;
    const lum = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) lum[y * w + x] = x < w / 2 ? 0.01 : 10;
    const v = reinhardAdaptation(lum, w, h, { phi: 8, threshold: 0.05 });
    const row = 16 * w;
    // Next to the edge on the dark side the adaptation stays dark (no halo from the bright side).
    expect(v[row + w / 2 - 3]).toBeLessThan(0.05);
    expect(v[row + w / 2 + 3]).toBeGreaterThan(8);
    expect(v[row + 100]).toBeCloseTo(0.01, 4);
  });
});
