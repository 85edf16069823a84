import { describe, expect, it } from 'vitest';
import { BracketMismatchError } from '../../../../src-shared/errors';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { mergeRadiance, plateau } from '../../../../src-shared/merge/radiance';
import { radianceConsistency } from '../../../../src-shared/merge/radiance-consistency';
import { radianceField, renderBracket } from './synthetic-bracket';

const EV = [-3, 0, 3];
const truth = radianceField(160, 120, 14);
const frames = renderBracket(truth, EV, 0.005).map((b) => b.frame);
const merged = mergeRadiance(frames, EV);

function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function allFinite(img: LinearImage): boolean {
  return img.data.every((v) => Number.isFinite(v) && v >= 0);
}

describe('mergeRadiance', () => {
  it('returns a 3-channel scene-referred map relative to ev 0', () => {
    expect([merged.width, merged.height, merged.channels, merged.ev]).toEqual([160, 120, 3, 0]);
    expect(merged.meta).toMatchObject({ sourceTransfer: 'linear', clipLevel: Infinity });
    expect(allFinite(merged)).toBe(true);
  });

  it('recovers the known radiance within 2% wherever some frame was well exposed', () => {
    const errs: number[] = [];
    for (let p = 0; p < 160 * 120; p++) {
      const i = p * 3;
      const wellExposed = frames.some((f) => Math.min(f.data[i], f.data[i + 1], f.data[i + 2]) > 0.02 && Math.max(f.data[i], f.data[i + 1], f.data[i + 2]) < 0.8);
      if (!wellExposed) continue;
      const want = truth.data[i] + truth.data[i + 1] + truth.data[i + 2];
      const got = merged.data[i] + merged.data[i + 1] + merged.data[i + 2];
      errs.push(Math.abs(got - want) / want);
    }
    // 14 stops of scene, 6 of bracket: most of the image has a well-exposed frame.
    expect(errs.length).toBeGreaterThan(0.8 * 160 * 120);
    expect(percentile(errs, 0.5)).toBeLessThan(0.005);
    expect(percentile(errs, 0.99)).toBeLessThan(0.02);
  });

  it('agrees with every frame within 1% on its well-exposed pixels', () => {
    const c = radianceConsistency(frames, EV, merged);
    expect(c).toHaveLength(3);
    for (const e of c) expect(e).toBeLessThan(0.01);
    // A frame given one stop too much shows up (measured: under 0.1% when right, 3% with this
    // error; the merge leans on the longest unclipped frame, so that frame agrees with itself).
    const bad = radianceConsistency(frames, [-3, 1, 3], mergeRadiance(frames, [-3, 1, 3]));
    expect(Math.max(...bad)).toBeGreaterThan(0.02);
  });

  it('scales with the reference exposure', () => {
    const shifted = mergeRadiance(frames, EV.map((e) => e + 1));
    for (let i = 0; i < merged.data.length; i += 97) expect(shifted.data[i]).toBeCloseTo(merged.data[i] / 2, 6);
  });

  it('is monotone in scene radiance across the transitions between frames', () => {
    // A grey ramp over 16 stops, noise free: the merge must not step backwards where frames hand over.
    const w = 2000;
    const ramp: LinearImage = { width: w, height: 1, channels: 3, data: new Float32Array(w * 3), ev: 0, meta: {} };
    for (let x = 0; x < w; x++) ramp.data.fill(0.18 * 2 ** (-10 + (16 * x) / (w - 1)), x * 3, x * 3 + 3);
    const m = mergeRadiance(renderBracket(ramp, EV, 0).map((b) => b.frame), EV);
    let worst = 0;
    for (let x = 1; x < w; x++) worst = Math.max(worst, (m.data[(x - 1) * 3] - m.data[x * 3]) / m.data[x * 3]);
    // 8-bit quantisation alone allows a fraction of a code of back-step; nothing like a seam.
    expect(worst).toBeLessThan(0.01);
    expect(m.data[(w - 1) * 3]).toBeGreaterThan(m.data[(w / 2) * 3]);
  });

  it('takes blown-out pixels from the darkest frame and black ones from the brightest, never NaN', () => {
    const n = 4 * 3;
    const mk = (v: number[], ev: number): LinearImage => ({ width: 4, height: 1, channels: 3, data: Float32Array.from(v), ev, meta: { clipLevel: 1 } });
    // Pixels: clipped everywhere, black everywhere, clipped in one channel of every frame, mid-grey.
    const dark = mk([1, 1, 1, 0, 0, 0, 1, 0.2, 0.2, 0.05, 0.05, 0.05], -2);
    const bright = mk([1, 1, 1, 0, 0, 0, 1, 1, 1, 0.8, 0.8, 0.8], 2);
    const m = mergeRadiance([bright, dark], [2, -2]);
    expect(m.data).toHaveLength(n);
    expect(allFinite(m)).toBe(true);
    expect(Array.from(m.data.subarray(0, 3))).toEqual([4, 4, 4]);
    expect(Array.from(m.data.subarray(3, 6))).toEqual([0, 0, 0]);
    // Clipped in red everywhere: the darkest frame's value, clipped red included.
    expect(m.data[6]).toBeCloseTo(4, 5);
    expect(m.data[7]).toBeCloseTo(0.8, 5);
    // Both frames say 0.2 (0.05 * 4 and 0.8 / 4, the latter near its shoulder but unclipped).
    expect(m.data[9]).toBeCloseTo(0.2, 5);
  });

  it('merges float frames without a clip level by exposure weighting, exactly', () => {
    const lin = [0, 2].map((ev) => ({ ...truth, data: truth.data.map((v) => v * 2 ** ev), ev, meta: { clipLevel: Infinity } }));
    const m = mergeRadiance(lin, [0, 2]);
    for (let i = 0; i < m.data.length; i += 31) expect(m.data[i]).toBeCloseTo(truth.data[i], 5);
  });

  it('finds the clip level of float frames made from clipped ones (a plateau at their largest value)', () => {
    // The bracket's frames as a float file would hold them: the same clipped values, no clip level said.
    const floats = frames.map((f) => ({ ...f, meta: { sourceTransfer: 'linear' as const, clipLevel: Infinity } }));
    expect(floats.map(plateau)).toEqual(frames.map(() => 1));
    const said = mergeRadiance(frames.map((f) => ({ ...f, meta: { sourceTransfer: 'linear' as const, clipLevel: 1 } })), EV);
    const m = mergeRadiance(floats, EV);
    expect(Array.from(m.data)).toEqual(Array.from(said.data));
    // A rendered HDR image has no plateau: it stays unclipped.
    expect(plateau(truth)).toBe(0);
    expect(Math.max(...radianceConsistency(floats, EV, m))).toBeLessThan(0.01);
  });

  it('rejects bad input', () => {
    const odd = { ...frames[0], width: 10, data: new Float32Array(10 * 120 * 3), meta: { sourceName: 'odd.png' } };
    expect(() => mergeRadiance([frames[0], odd], [0, 1])).toThrow(BracketMismatchError);
    expect(() => mergeRadiance([frames[0], odd], [0, 1])).toThrow(/odd\.png/);
    expect(() => mergeRadiance(frames, [0, 1])).toThrow(RangeError);
    expect(() => mergeRadiance(frames, [0, NaN, 1])).toThrow(RangeError);
    expect(() => mergeRadiance(frames, EV, { highlightStart: 0.99 })).toThrow(RangeError);
  });
});
