import { describe, expect, it } from 'vitest';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
import { displayCurve, encodedCurve } from '../../../../src-shared/tonemap/display-curve';
import { dragoCurve, filmicCurve, hillRrtOdt, narkowiczAces, reinhardCurve, softShoulder } from '../../../../src-shared/tonemap/operators';
import { buildGainTable, buildLogTable, readGain, readLog } from '../../../../src-shared/tonemap/tone-tables';

const neutral = { contrast: 0, highlights: 0, shadows: 0, whitePoint: 0, blackPoint: 0 };

describe('operator curves', () => {
  it('Reinhard maps its white point to exactly 1 and mid-grey to 0.18 / 1.18 (about)', () => {
    const f = reinhardCurve(6);
    expect(f(0.18 * 64)).toBeCloseTo(1, 12);
    expect(f(0.18)).toBeCloseTo(0.18 / 1.18, 3);
  });

  it('Drago reaches white at the image white level', () => {
    expect(dragoCurve(0.85, 50)(50)).toBeCloseTo(1, 12);
    expect(dragoCurve(0.7, 3)(3)).toBeCloseTo(1, 12);
  });

  it.each(['hill', 'narkowicz'] as const)('filmic (%s) keeps mid-grey, clips at 0 and 1 and rises', (curve) => {
    const f = filmicCurve(curve);
    expect(f(0.18)).toBeCloseTo(0.18, 6);
    expect(f(0)).toBe(0);
    expect(f(1e6)).toBe(1);
    for (let e = -12; e < 12; e += 0.25) expect(f(2 ** (e + 0.25))).toBeGreaterThanOrEqual(f(2 ** e));
  });

  it('uses the published fits', () => {
    // Hill's fit on its own and Narkowicz's with his 0.6 pre-scale at mid-grey.
    expect(hillRrtOdt(0.18)).toBeCloseTo(0.1054, 3);
    expect(narkowiczAces(0.6 * 0.18)).toBeCloseTo(0.1401, 3);
  });

  it('soft shoulder is the identity below its knee and stays under 1', () => {
    expect(softShoulder(0.3)).toBe(0.3);
    expect(softShoulder(100)).toBeLessThanOrEqual(1);
    expect(softShoulder(0.75)).toBeGreaterThan(softShoulder(0.7));
  });
});

describe('display curve', () => {
  it('is the identity (clamped) when neutral', () => {
    const f = displayCurve(neutral);
    for (const v of [0, 0.01, 0.18, 0.5, 1]) expect(f(v)).toBe(v);
    expect(f(2)).toBe(1);
    expect(f(-1)).toBe(0);
  });

  it('keeps 0 and 1 and stays non-decreasing at every control extreme', () => {
    for (const name of Object.keys(neutral)) {
      for (const value of [-1, -0.5, 0.5, 1]) {
        const f = encodedCurve({ ...neutral, [name]: value });
        let prev = -1;
        for (let i = 0; i <= 1000; i++) {
          const v = f(i / 1000);
          expect(v).toBeGreaterThanOrEqual(prev - 1e-12);
          prev = v;
        }
        if (name !== 'whitePoint' && name !== 'blackPoint') {
          expect(f(0)).toBeCloseTo(0, 12);
          expect(f(1)).toBeCloseTo(1, 12);
        }
      }
    }
  });

  it('contrast pivots on mid-grey', () => {
    const pivot = linearToSrgb(0.18);
    expect(encodedCurve({ ...neutral, contrast: 0.8 })(pivot)).toBeCloseTo(pivot, 12);
    expect(encodedCurve({ ...neutral, contrast: 0.8 })(0.2)).toBeLessThan(0.2);
    expect(encodedCurve({ ...neutral, contrast: 0.8 })(0.8)).toBeGreaterThan(0.8);
  });
});

describe('curve tables', () => {
  it('read back the curve to 1e-4 relative over 30 stops, both layouts', () => {
    const f = reinhardCurve(8);
    const gains = buildGainTable(f);
    const logs = buildLogTable(f);
    for (let e = -20; e < 10; e += 0.37) {
      const y = 2 ** e;
      expect(Math.abs(y * readGain(gains, y) - f(y)) / f(y)).toBeLessThan(1e-4);
      expect(Math.abs(readLog(logs, e) - f(y)) / f(y)).toBeLessThan(1e-4);
    }
  });

  it('keep the running maximum of a curve that turns down', () => {
    const bump = (y: number): number => (y < 1 ? y : 2 - y);
    const t = buildLogTable(bump);
    expect(readLog(t, 3)).toBeCloseTo(1, 6);
    expect(readGain(buildGainTable(bump), 2) * 2).toBeCloseTo(1, 6);
  });

  it('read zero, negative and NaN inputs as black (the bottom of the table)', () => {
    const t = buildGainTable((y) => y);
    expect(readGain(t, 0)).toBe(0);
    expect(readGain(t, -3)).toBe(0);
    expect(readGain(t, NaN)).toBe(0);
    expect(readLog(buildLogTable((y) => y), NaN)).toBeLessThan(1e-7);
  });
});
