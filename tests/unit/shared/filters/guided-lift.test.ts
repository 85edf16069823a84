import { describe, expect, it } from 'vitest';
import { guidedLift } from '../../../../src-shared/filters/guided-lift';

/** A full-resolution guide with a vertical edge and a ramp, and its 4x area downsampling. */
function guides(W: number, H: number, f: number) {
  const full = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) full[y * W + x] = (x < W / 2 ? 0.2 : 0.8) + 0.1 * (y / H);
  const w = W / f;
  const h = H / f;
  const low = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = 0; j < f; j++) for (let i = 0; i < f; i++) s += full[(y * f + j) * W + x * f + i];
      low[y * w + x] = s / (f * f);
    }
  }
  return { full, low, w, h };
}

describe('guidedLift', () => {
  const W = 128;
  const H = 96;
  const { full, low, w, h } = guides(W, H, 4);

  it('lifts a constant map to the same constant', () => {
    const [out] = guidedLift(low, [new Float32Array(w * h).fill(0.37)], w, h, full, W, H, 2, 1e-4);
    expect(out.every((v) => Math.abs(v - 0.37) < 1e-5)).toBe(true);
  });

  it('reproduces a map that is a linear function of the guide, at full resolution', () => {
    const map = low.map((v) => 2 * v - 0.1);
    const [out] = guidedLift(low, [map], w, h, full, W, H, 2, 1e-9);
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - (2 * full[i] - 0.1)));
    expect(worst).toBeLessThan(2e-3);
  });

  it('keeps a step at the full-resolution edge where bilinear upsampling would smear it', () => {
    const map = low.map((v) => (v > 0.5 ? 1 : 0));
    const [out] = guidedLift(low, [map], w, h, full, W, H, 2, 1e-4);
    const row = (H / 2) * W;
    // The two pixels either side of the edge differ by most of the step.
    expect(out[row + W / 2] - out[row + W / 2 - 1]).toBeGreaterThan(0.8);
    expect(() => guidedLift(low, [map], w, h, full, W, H - 1, 2, 1e-4)).toThrow(/full-resolution guide/);
  });
});
