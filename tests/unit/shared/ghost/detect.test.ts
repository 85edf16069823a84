/** Classical ghost detection: finds what moved in generated brackets, leaves static brackets alone whatever the camera curve. */
import { describe, expect, it } from 'vitest';
import { detectGhosts, gatherGhostEvidence, thresholdGhosts } from '../../../../src-shared/ghost/detect';
import { expandPlane } from '../../../../src-shared/image/scaled-plane';
import { bracketAroundMedian, renderDynamicBracket, type DynamicBracketOptions } from '../../../../src-shared/ghost/dynamic-bracket';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { radianceField } from '../merge/synthetic-bracket';
import { maskScores } from '../../../../src-shared/metrics/mask-scores';

const f1 = (mask: Uint8Array, truth: Uint8Array): number => maskScores(mask, truth).f1;

function scene(seed: number, motion: Partial<DynamicBracketOptions>) {
  const radiance = radianceField(200, 150, 8, seed);
  return renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 3, 2), seed, objects: 0, ...motion });
}

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

describe('detectGhosts', () => {
  it('finds moving objects and flickering regions (mean F1 over six and three scenes)', () => {
    const objects = [1, 2, 3, 4, 5, 6].map((seed) => {
      const b = scene(seed, { objects: 2 });
      return f1(expandPlane(detectGhosts(b.frames, { reference: b.reference }).mask), b.union);
    });
    const flicker = [1, 2, 3].map((seed) => {
      const b = scene(seed, { flickers: 1 });
      return f1(expandPlane(detectGhosts(b.frames, { reference: b.reference }).mask), b.union);
    });
    expect(mean(objects)).toBeGreaterThan(0.75);
    expect(mean(flicker)).toBeGreaterThan(0.85);
  });

  it('leaves a static bracket essentially empty (under 1% of the pixels), noisy or not', () => {
    for (const [seed, shot, read] of [
      [1, 2e-4, 5e-4],
      [2, 2e-3, 3e-3],
    ]) {
      const b = scene(seed, { objects: 2, shot, read });
      expect(detectGhosts(b.staticFrames, { reference: b.reference }).area).toBeLessThan(0.01);
    }
  });

  it('needs no exposures and no camera curve: a film-like curve and lying metadata raise no ghosts', () => {
    const b = scene(4, { objects: 2, reportedEv: [null, 5, -1] });
    // Re-encode every frame through a contrasty S-curve on its sRGB levels, as a camera JPEG engine would.
    const curve = (v: number): number => {
      const e = v ** (1 / 2.2);
      const s = e * e * (3 - 2 * e);
      return (0.6 * s + 0.4 * e) ** 2.2;
    };
    const filmic: LinearImage[] = b.staticFrames.map((f) => ({ ...f, data: Float32Array.from(f.data, curve) }));
    expect(detectGhosts(filmic, { reference: 1 }).area).toBeLessThan(0.01);
    const moving: LinearImage[] = b.frames.map((f) => ({ ...f, data: Float32Array.from(f.data, curve) }));
    expect(f1(expandPlane(detectGhosts(moving, { reference: 1 }).mask), b.union)).toBeGreaterThan(0.6);
  });

  it('returns per-frame masks and uncertainty (none for the reference) and their union', () => {
    const b = scene(5, { objects: 2 });
    const d = detectGhosts(b.frames, { reference: 1 });
    expect(d.frameMasks[1]).toBeNull();
    expect(d.frameUncertainty[1]).toBeNull();
    expect(d.fromReference[1]).toBeNull();
    const [union, m0, m2] = [d.mask, d.frameMasks[0]!, d.frameMasks[2]!].map(expandPlane);
    for (let p = 0; p < union.length; p++) expect(union[p]).toBe(m0[p] | m2[p]);
    expect(d.uncertainty.data.every((u) => u >= 0 && u <= 1)).toBe(true);
    expect(d.area).toBeCloseTo(union.reduce((s, v) => s + v, 0) / union.length, 12);
    // The reference is never compared with itself: any frame can be it.
    expect(detectGhosts(b.frames, { reference: 0 }).frameMasks[0]).toBeNull();
  });

  it('works on block means for large frames and returns masks at full size', () => {
    const radiance = radianceField(1700, 60, 8, 6);
    const b = renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 2, 2), seed: 6, objects: 2, objectSize: [0.3, 0.45], reference: 0 });
    const d = detectGhosts(b.frames, { reference: 0 });
    const union = expandPlane(d.mask);
    expect(union.length).toBe(1700 * 60);
    expect(f1(union, b.union)).toBeGreaterThan(0.6);
    // The area is the full-size mask's, counted from the blocks (the last block of a row is wider).
    expect(d.area).toBeCloseTo(union.reduce((s, v) => s + v, 0) / union.length, 12);
    // The uncertainty stays at the blocks' size and reads, at full size, as the masks were upsampled: each pixel its block's.
    const u = d.uncertainty;
    expect([u.width, u.height]).toEqual([1700, 60]);
    expect(u.workWidth).toBeLessThan(1700);
    expect(u.data.length).toBe(u.workWidth * u.workHeight);
    const full = expandPlane(u);
    const factor = Math.ceil(1700 / 1536);
    for (const [x, y] of [[0, 0], [1699, 59], [801, 30], [1535, 1]]) {
      const bx = Math.min(u.workWidth - 1, Math.floor(x / factor));
      const by = Math.min(u.workHeight - 1, Math.floor(y / factor));
      expect(full[y * 1700 + x]).toBe(u.data[by * u.workWidth + bx]);
    }
    // Where the union mask is set some frame was over its threshold: uncertainty 0.5 or more (before morphology, so not everywhere).
    let over = 0;
    let set = 0;
    for (let p = 0; p < union.length; p++) if (union[p]) {
      set++;
      if (full[p] >= 0.5) over++;
    }
    expect(set).toBeGreaterThan(0);
    expect(over / set).toBeGreaterThan(0.8);
  });

  it('gives the same detection in two stages (the threshold-free pass kept, the threshold applied after) as in one', () => {
    const b = scene(7, { objects: 3 });
    const evidence = gatherGhostEvidence(b.frames, { reference: 2 });
    const areas: number[] = [];
    for (const threshold of [0.9, 1.4, 2.5]) {
      const once = detectGhosts(b.frames, { reference: 2, threshold });
      const staged = thresholdGhosts(evidence, threshold);
      expect(staged.mask).toEqual(once.mask);
      expect(staged.uncertainty).toEqual(once.uncertainty);
      expect(staged.frameMasks).toEqual(once.frameMasks);
      expect(staged.fromReference).toEqual(once.fromReference);
      areas.push(staged.area);
    }
    expect(areas[0]).toBeGreaterThan(areas[2]);
    expect(() => thresholdGhosts(evidence, Number.NaN)).toThrow(RangeError);
  });

  it('refuses bad input', () => {
    const b = scene(1, { objects: 1 });
    expect(() => detectGhosts([b.frames[0]], { reference: 0 })).toThrow(RangeError);
    expect(() => detectGhosts(b.frames, { reference: 3 })).toThrow(RangeError);
    expect(() => detectGhosts(b.frames, { reference: 0, threshold: 0 })).toThrow(RangeError);
    const small = { ...b.frames[0], width: 10, height: 10, data: new Float32Array(300) };
    expect(() => detectGhosts([b.frames[1], small], { reference: 0 })).toThrow(RangeError);
  });
});
