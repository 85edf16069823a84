import { describe, expect, it } from 'vitest';
import { createGuidedWorkspace, guidedFilter, guidedFilterPlanes } from '../../../../src-shared/filters/guided-filter';
import { rng } from '../merge/synthetic-bracket';

/** He et al. Algorithm 1 written out literally: per-window least squares, then the mean of the a, b over the windows covering each pixel. */
function literalGuided(I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float64Array {
  const a = new Float64Array(w * h);
  const b = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let n = 0;
      let sI = 0;
      let sP = 0;
      let sII = 0;
      let sIP = 0;
      for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) {
        for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++) {
          const i = I[v * w + u];
          const q = p[v * w + u];
          n++;
          sI += i;
          sP += q;
          sII += i * i;
          sIP += i * q;
        }
      }
      const mI = sI / n;
      const mP = sP / n;
      const ak = (sIP / n - mI * mP) / (sII / n - mI * mI + eps);
      a[y * w + x] = ak;
      b[y * w + x] = mP - ak * mI;
    }
  }
  const q = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let n = 0;
      let sa = 0;
      let sb = 0;
      for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) {
        for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++) {
          sa += a[v * w + u];
          sb += b[v * w + u];
          n++;
        }
      }
      q[y * w + x] = (sa / n) * I[y * w + x] + sb / n;
    }
  }
  return q;
}

function randomPlane(w: number, h: number, seed: number): Float32Array {
  const rand = rng(seed);
  return Float32Array.from({ length: w * h }, () => rand());
}

function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('guidedFilter', () => {
  it.each([
    [9, 7, 1, 0.01],
    [16, 11, 2, 0.04],
    [20, 20, 4, 0.001],
    [5, 13, 6, 0.1],
  ])('matches the literal algorithm on random planes (%ix%i, r=%i, eps=%f)', (w, h, r, eps) => {
    const I = randomPlane(w, h, w + 100 * h);
    const p = randomPlane(w, h, w * 7 + h);
    expect(worstDiff(guidedFilter(I, p, w, h, r, eps), literalGuided(I, p, w, h, r, eps))).toBeLessThan(1e-4);
    // Self-guided takes a shortcut (cov(I, I) = var(I)); same answer.
    expect(worstDiff(guidedFilter(I, I, w, h, r, eps), literalGuided(I, I, w, h, r, eps))).toBeLessThan(1e-4);
  });

  it('keeps a step edge with a small eps and smooths noise on both sides', () => {
    const w = 40;
    const h = 20;
    const rand = rng(9);
    const I = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) I[y * w + x] = (x < 20 ? 0.2 : 0.8) + (rand() - 0.5) * 0.02;
    const q = guidedFilter(I, I, w, h, 4, 1e-3);
    for (let y = 0; y < h; y++) {
      // The jump across the edge survives almost whole ...
      expect(q[y * w + 20] - q[y * w + 19]).toBeGreaterThan(0.55);
      // ... while the noise away from it shrinks.
      expect(Math.abs(q[y * w + 5] - 0.2)).toBeLessThan(0.006);
      expect(Math.abs(q[y * w + 34] - 0.8)).toBeLessThan(0.006);
    }
    // A large eps blurs the same edge: the filter degrades to a box mean.
    const blurred = guidedFilter(I, I, w, h, 4, 100);
    expect(blurred[10 * w + 20] - blurred[10 * w + 19]).toBeLessThan(0.15);
  });

  it('filters several planes with one guide as one plane at a time would, in place too', () => {
    const w = 17;
    const h = 12;
    const I = randomPlane(w, h, 1);
    const planes = [randomPlane(w, h, 2), randomPlane(w, h, 3), randomPlane(w, h, 4)];
    const singles = planes.map((p) => guidedFilter(I, p, w, h, 3, 0.02));
    const copies = planes.map((p) => p.slice());
    const ws = createGuidedWorkspace(w, h);
    const outs = guidedFilterPlanes(I, copies, w, h, 3, 0.02, copies, ws);
    for (let k = 0; k < planes.length; k++) {
      expect(outs[k]).toBe(copies[k]);
      expect(worstDiff(outs[k], singles[k])).toBeLessThan(1e-6);
    }
  });

  it('rejects a bad eps, radius, sizes and aliasing with the guide', () => {
    const I = randomPlane(4, 4, 1);
    const p = randomPlane(4, 4, 2);
    expect(() => guidedFilter(I, p, 4, 4, 1, 0)).toThrow(RangeError);
    expect(() => guidedFilter(I, p, 4, 4, -1, 0.1)).toThrow(RangeError);
    expect(() => guidedFilter(I, p, 4, 3, 1, 0.1)).toThrow(RangeError);
    expect(() => guidedFilter(I, p, 4, 4, 1, 0.1, I)).toThrow(RangeError);
    expect(() => guidedFilter(I, p, 4, 4, 1, 0.1, undefined, createGuidedWorkspace(3, 3))).toThrow(RangeError);
  });
});
