import { describe, expect, it } from 'vitest';
import { clippedExpectation, estimateExposure, normalQuantile } from '../../../../src-shared/correct/exposure';
import { correctlyExposedScene, exposed } from './correct-helpers';

describe('normalQuantile', () => {
  it('inverts the standard normal CDF', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(normalQuantile(0)).toBe(-Infinity);
  });
});

describe('estimateExposure', () => {
  const scene = correctlyExposedScene(256, 176);

  it('reads the exposure error of an under-exposed frame from its median', () => {
    for (const stops of [-3, -2, -1]) {
      const est = estimateExposure(exposed(scene, stops));
      expect(est.fitted).toBe(false);
      expect(Math.log2(est.gain)).toBeCloseTo(-stops, 0);
      expect(Math.abs(Math.log2(est.gain) + stops)).toBeLessThan(0.15);
    }
  });

  it('ranks clipped pixels above the rest, so a frame 2 stops over is still read right', () => {
    const frame = exposed(scene, 2);
    const est = estimateExposure(frame);
    expect(est.clipped).toBeGreaterThan(0.05);
    expect(Math.abs(Math.log2(est.gain) + 2)).toBeLessThan(0.25);
  });

  it('fits the censored median when most of the frame clips', () => {
    const frame = exposed(scene, 3.5);
    const est = estimateExposure(frame);
    expect(est.clipped).toBeGreaterThan(0.5);
    expect(est.fitted).toBe(true);
    // A clipped median means the scene median is at least the clip level: at most 0.18/0.956.
    expect(Math.log2(est.gain)).toBeLessThanOrEqual(Math.log2(0.18 / 0.956) + 1e-9);
    // The fit assumes a log-normal scene (this one is not quite): within a stop.
    expect(Math.abs(Math.log2(est.gain) + 3.5)).toBeLessThan(1);
    // Far over, the fit's extrapolation is capped at 4.5 stops.
    expect(Math.log2(estimateExposure(exposed(scene, 6)).gain)).toBeGreaterThanOrEqual(-4.5 - 1e-9);
  });

  it('does not blow up on a black or a white frame', () => {
    const black = exposed(scene, -30);
    const white = exposed(scene, 30);
    expect(Number.isFinite(estimateExposure(black).gain)).toBe(true);
    expect(estimateExposure(white).gain).toBeLessThan(1);
    expect(estimateExposure(white).clipped).toBe(1);
  });
});

describe('clippedExpectation', () => {
  it('lies above the clip threshold and grows with it', () => {
    const a = clippedExpectation(0.125, { mu: Math.log(0.18), sigma: 1.2 });
    const b = clippedExpectation(0.25, { mu: Math.log(0.18), sigma: 1.2 });
    expect(a.display).toBeGreaterThan(0.125);
    expect(b.display).toBeGreaterThan(a.display);
    expect(b.display).toBeLessThanOrEqual(1);
    expect(a.radiance).toBeGreaterThan(0.125);
  });
  it('is the threshold itself past white', () => {
    expect(clippedExpectation(2, { mu: Math.log(0.18), sigma: 1 }).display).toBe(1);
  });
});
