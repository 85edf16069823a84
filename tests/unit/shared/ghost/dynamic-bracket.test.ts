/** The dynamic bracket generator: seeded, and its ghost masks are exactly where the frames differ from the motion-free bracket. */
import { describe, expect, it } from 'vitest';
import { bracketAroundMedian, renderDynamicBracket, type DynamicBracketOptions } from '../../../../src-shared/ghost/dynamic-bracket';
import { radianceField } from '../merge/synthetic-bracket';

const scene = radianceField(160, 120, 8, 3);
const evs = bracketAroundMedian(scene, 3, 2);
const render = (o: Partial<DynamicBracketOptions> = {}) => renderDynamicBracket(scene, { evs, seed: 7, objects: 2, ...o });
const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);

describe('renderDynamicBracket', () => {
  it('renders the same bracket and masks from the same seed, another from another seed', () => {
    const a = render({ warps: 1, flickers: 1 });
    const b = render({ warps: 1, flickers: 1 });
    const c = render({ warps: 1, flickers: 1, seed: 8 });
    a.codes.forEach((codes, f) => expect(Buffer.from(codes).equals(Buffer.from(b.codes[f]))).toBe(true));
    a.masks.forEach((m, f) => expect(Buffer.from(m).equals(Buffer.from(b.masks[f]))).toBe(true));
    expect(Buffer.from(a.codes[0]).equals(Buffer.from(c.codes[0]))).toBe(false);
  });

  it('decodes frames like an 8-bit sRGB PNG with the exposures as metadata', () => {
    const b = render({ reportedEv: [null, 0, 2.5] });
    expect(b.frames.map((f) => f.ev)).toEqual([null, 0, 2.5]);
    expect(b.frames[0].meta).toMatchObject({ sourceTransfer: 'srgb', sourceBits: 8, clipLevel: 1 });
    expect(b.frames[0].data.length).toBe(160 * 120 * 3);
  });

  it('marks exactly the pixels where moving objects and a flickering region change a frame', () => {
    const b = render({ objects: 3, flickers: 1 });
    expect(b.reference).toBe(1);
    expect(count(b.masks[b.reference])).toBe(0);
    expect(b.frames[b.reference].data).toEqual(b.staticFrames[b.reference].data);
    for (const f of [0, 2]) {
      const mask = b.masks[f];
      expect(count(mask)).toBeGreaterThan(100);
      let outsideDiffers = 0;
      let inside = 0;
      let insideDiffers = 0;
      const flat = (d: Float32Array, p: number, v: number): boolean => d[p * 3] === v && d[p * 3 + 1] === v && d[p * 3 + 2] === v;
      for (let p = 0; p < mask.length; p++) {
        const differs = [0, 1, 2].some((c) => b.frames[f].data[p * 3 + c] !== b.staticFrames[f].data[p * 3 + c]);
        if (!mask[p]) outsideDiffers += differs ? 1 : 0;
        else if (![0, 1].some((v) => flat(b.frames[f].data, p, v) && flat(b.staticFrames[f].data, p, v))) {
          inside++;
          insideDiffers += differs ? 1 : 0;
        }
      }
      // Same noise draws: outside the mask the frame is the motion-free frame, sample for sample.
      expect(outsideDiffers).toBe(0);
      // Inside, every pixel the frame does not clip or crush to black in both shows something else.
      expect(inside).toBeGreaterThan(100);
      expect(insideDiffers / inside).toBeGreaterThan(0.97);
    }
    for (let p = 0; p < b.union.length; p++) expect(b.union[p]).toBe(b.masks[0][p] | b.masks[2][p]);
  });

  it('keeps the visible masks inside the masks', () => {
    const b = render({ objects: 2, warps: 1, flickers: 1 });
    b.visibleMasks.forEach((v, f) => {
      for (let p = 0; p < v.length; p++) if (v[p]) expect(b.masks[f][p]).toBe(1);
    });
    expect(count(b.visibleUnion)).toBeGreaterThan(0);
  });

  it('limits what a warp changes outside its mask to small changes', () => {
    const b = render({ objects: 0, warps: 2 });
    let worst = 0;
    for (const f of [0, 2]) {
      for (let p = 0; p < b.union.length; p++) {
        if (b.masks[f][p]) continue;
        for (let c = 0; c < 3; c++) {
          const a = b.frames[f].data[p * 3 + c];
          const s = b.staticFrames[f].data[p * 3 + c];
          if (a !== s) worst = Math.max(worst, Math.abs(a - s) / Math.max(a, s, 0.01));
        }
      }
    }
    // Noise and 8-bit steps on top of a sub-10% change of the scene.
    expect(worst).toBeLessThan(0.3);
  });

  it('refuses what it cannot render', () => {
    expect(() => renderDynamicBracket(scene, { evs: [0], seed: 1 })).toThrow(RangeError);
    expect(() => renderDynamicBracket(scene, { evs, seed: 1, reference: 3 })).toThrow(RangeError);
    expect(() => renderDynamicBracket(scene, { evs, seed: 1, reportedEv: [0] })).toThrow(RangeError);
    expect(() => renderDynamicBracket(scene, { evs, seed: 1, objects: 40 })).toThrow(RangeError);
  });
});
