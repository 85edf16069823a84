import { describe, expect, it } from 'vitest';
import { greyFromImage8, type Image8 } from '../../../../src-shared/metrics/grey';
import { SSIM_WINDOW, ssim, ssimGrey } from '../../../../src-shared/metrics/ssim';
import { mulberry32 as rng } from '../../../../src-shared/random';

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** SSIM written window by window from the paper (eqs. 13-15 with the Gaussian weights), to check the filtered one. */
function literalSsim(x: Float64Array, y: Float64Array, width: number, height: number): { score: number; map: number[] } {
  const g: number[] = [];
  for (let i = -5; i <= 5; i++) for (let j = -5; j <= 5; j++) g.push(Math.exp(-(i * i + j * j) / (2 * 1.5 * 1.5)));
  const total = g.reduce((a, b) => a + b, 0);
  const w = g.map((v) => v / total);
  const map: number[] = [];
  for (let y0 = 0; y0 + SSIM_WINDOW <= height; y0++) {
    for (let x0 = 0; x0 + SSIM_WINDOW <= width; x0++) {
      let mx = 0;
      let my = 0;
      for (let k = 0; k < 121; k++) {
        const p = (y0 + Math.floor(k / 11)) * width + x0 + (k % 11);
        mx += w[k] * x[p];
        my += w[k] * y[p];
      }
      let vx = 0;
      let vy = 0;
      let cov = 0;
      for (let k = 0; k < 121; k++) {
        const p = (y0 + Math.floor(k / 11)) * width + x0 + (k % 11);
        vx += w[k] * (x[p] - mx) ** 2;
        vy += w[k] * (y[p] - my) ** 2;
        cov += w[k] * (x[p] - mx) * (y[p] - my);
      }
      map.push(((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2)));
    }
  }
  return { score: map.reduce((a, b) => a + b, 0) / map.length, map };
}

function plane(width: number, height: number, f: (x: number, y: number) => number): Float64Array {
  const p = new Float64Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) p[y * width + x] = Math.min(255, Math.max(0, Math.round(f(x, y))));
  return p;
}

describe('ssimGrey', () => {
  it('matches a literal window-by-window SSIM on small images, map and mean', () => {
    const r = rng(3);
    const cases: [number, number][] = [[11, 11], [17, 13], [30, 24]];
    for (const [w, h] of cases) {
      const a = plane(w, h, (x, y) => 128 + 60 * Math.sin(x * 0.4) * Math.cos(y * 0.3) + 40 * r());
      const b = plane(w, h, (x, y) => 0.8 * a[y * w + x] + 20 + 30 * r());
      const fast = ssimGrey(a, b, w, h, { map: true });
      const slow = literalSsim(a, b, w, h);
      expect(fast.map!.length).toBe((w - 10) * (h - 10));
      fast.map!.forEach((v, i) => expect(v).toBeCloseTo(slow.map[i], 10));
      expect(fast.score).toBeCloseTo(slow.score, 12);
    }
  });

  it('is exactly 1 for identical planes, textured or flat', () => {
    const r = rng(5);
    const a = plane(40, 30, () => r() * 255);
    expect(ssimGrey(a, a.slice(), 40, 30).score).toBeCloseTo(1, 12);
    const flat = plane(20, 20, () => 77);
    expect(ssimGrey(flat, flat.slice(), 20, 20).score).toBe(1);
  });

  it('reduces to the luminance term (2 m1 m2 + C1) / (m1^2 + m2^2 + C1) for two flat planes', () => {
    const a = plane(16, 16, () => 100);
    const b = plane(16, 16, () => 140);
    const expected = (2 * 100 * 140 + C1) / (100 * 100 + 140 * 140 + C1);
    expect(ssimGrey(a, b, 16, 16).score).toBeCloseTo(expected, 12);
  });

  it('keeps structure under a constant offset: only the luminance term falls', () => {
    const r = rng(9);
    const a = plane(32, 32, () => 60 + 100 * r());
    const b = a.map((v) => v + 20);
    const s = ssimGrey(a, b, 32, 32).score;
    expect(s).toBeLessThan(1);
    expect(s).toBeGreaterThan(0.9);
    // An inverted copy has the same means but anti-correlated structure.
    const inv = a.map((v) => 220 - v);
    expect(ssimGrey(a, inv, 32, 32).score).toBeLessThan(0);
  });

  it('drops as noise grows', () => {
    const r = rng(11);
    const a = plane(48, 48, (x, y) => 128 + 80 * Math.sin(x / 5 + y / 7));
    const noisy = (amp: number): Float64Array => a.map((v) => Math.min(255, Math.max(0, Math.round(v + amp * (r() - 0.5)))));
    const s = [5, 20, 60].map((amp) => ssimGrey(a, noisy(amp), 48, 48).score);
    expect(s[0]).toBeGreaterThan(s[1]);
    expect(s[1]).toBeGreaterThan(s[2]);
  });

  it('rejects planes smaller than the window or of the wrong length', () => {
    expect(() => ssimGrey(new Float64Array(100), new Float64Array(100), 10, 10)).toThrow(RangeError);
    expect(() => ssimGrey(new Float64Array(121), new Float64Array(120), 11, 11)).toThrow(RangeError);
  });
});

describe('ssim on 8-bit images', () => {
  it('scores colour images on their rgb2gray grey', () => {
    const r = rng(13);
    const w = 24;
    const h = 20;
    const a: Image8 = { width: w, height: h, data: Uint8ClampedArray.from({ length: w * h * 3 }, () => r() * 255) };
    const b: Image8 = { width: w, height: h, data: a.data.map((v) => Math.min(255, v + r() * 30)) };
    expect(ssim(a, b)).toBeCloseTo(ssimGrey(greyFromImage8(a), greyFromImage8(b), w, h).score, 14);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
  });

  it('rejects images of different sizes', () => {
    const a: Image8 = { width: 12, height: 12, data: new Uint8Array(12 * 12 * 3) };
    const b: Image8 = { width: 12, height: 13, data: new Uint8Array(12 * 13 * 3) };
    expect(() => ssim(a, b)).toThrow(RangeError);
  });
});
