import { describe, expect, it } from 'vitest';
import { BracketMismatchError, MissingExposureError } from '../../../../src-shared/errors';
import { estimateRelativeExposures } from '../../../../src-shared/merge/exposure-estimate';
import { radianceField, renderBracket } from './synthetic-bracket';

// Non-integer, unevenly spaced exposures so nothing can come out right by rounding.
const TRUE_EV = [-2.3, -0.6, 1.15, 2.9];
const radiance = radianceField(160, 120, 12);
const frames = renderBracket(radiance, TRUE_EV, 0.01).map((b) => b.frame);

function relative(ev: number[]): number[] {
  return ev.map((e) => e - ev[0]);
}

describe('estimateRelativeExposures', () => {
  it('recovers exposures from the pixels alone within 0.05 stop', () => {
    const r = estimateRelativeExposures(frames, [null, null, null, null]);
    expect(r.source).toEqual(['pixels', 'pixels', 'pixels', 'pixels']);
    // Without metadata the first frame is the reference.
    expect(r.ev[0]).toBe(0);
    const got = relative(r.ev);
    relative(TRUE_EV).forEach((want, i) => expect(Math.abs(got[i] - want)).toBeLessThan(0.05));
    expect(r.warnings).toEqual([]);
  });

  it('does not depend on the order the frames come in', () => {
    const order = [2, 0, 3, 1];
    const r = estimateRelativeExposures(
      order.map((i) => frames[i]),
      order.map(() => null),
    );
    order.forEach((src, i) => expect(Math.abs(r.ev[i] - r.ev[0] - (TRUE_EV[src] - TRUE_EV[order[0]]))).toBeLessThan(0.05));
  });

  it('keeps correct metadata exactly and finds the sRGB response slope to be 1', () => {
    const meta = TRUE_EV.map((e) => e + 5);
    const r = estimateRelativeExposures(frames, meta);
    expect(r.ev).toEqual(meta);
    expect(r.source).toEqual(['metadata', 'metadata', 'metadata', 'metadata']);
    expect(r.warnings).toEqual([]);
    expect(Math.abs(r.slope - 1)).toBeLessThan(0.05);
  });

  it('detects a lying metadata value, names the files and uses the pixels', () => {
    const meta = [...TRUE_EV];
    meta[2] += 1; // the camera wrote a time twice as long as the real one
    const r = estimateRelativeExposures(frames, meta);
    expect(r.source).toEqual(['metadata', 'metadata', 'pixels', 'metadata']);
    expect(r.ev[0]).toBe(meta[0]);
    expect(r.ev[3]).toBe(meta[3]);
    expect(Math.abs(r.ev[2] - TRUE_EV[2])).toBeLessThan(0.05);
    expect(r.warnings.some((w) => /metadata says .* between frame1\.png and frame2\.png, the pixels say .*using the pixels/.test(w))).toBe(true);
  });

  it('does not let a lying first frame shift the others', () => {
    const meta = [...TRUE_EV];
    meta[0] -= 1;
    const r = estimateRelativeExposures(frames, meta);
    expect(r.source).toEqual(['pixels', 'metadata', 'metadata', 'metadata']);
    expect(r.ev.slice(1)).toEqual(meta.slice(1));
    expect(Math.abs(r.ev[0] - TRUE_EV[0])).toBeLessThan(0.05);
  });

  it('fills in missing metadata from the pixels, anchored to the frames that have it', () => {
    const meta = [TRUE_EV[0], null, TRUE_EV[2], TRUE_EV[3]];
    const r = estimateRelativeExposures(frames, meta);
    expect(r.source).toEqual(['metadata', 'pixels', 'metadata', 'metadata']);
    expect(Math.abs(r.ev[1] - TRUE_EV[1])).toBeLessThan(0.05);
  });

  it('measures float frames without a clip level against their brightest value', () => {
    const lin = [0, 1.7].map((ev) => ({ ...radiance, data: radiance.data.map((v) => v * 2 ** ev), ev: null, meta: { clipLevel: Infinity } }));
    const r = estimateRelativeExposures(lin, [null, null]);
    expect(Math.abs(r.ev[1] - 1.7)).toBeLessThan(0.01);
  });

  it('handles a single frame', () => {
    expect(estimateRelativeExposures([frames[1]], [null])).toMatchObject({ ev: [0], source: ['pixels'] });
    expect(estimateRelativeExposures([frames[1]], [3])).toMatchObject({ ev: [3], source: ['metadata'] });
  });

  it('fails with the file names when nothing overlaps and there is no metadata', () => {
    const flat = radianceField(64, 48, 0.5);
    const [dark, bright] = renderBracket(flat, [-7, 4], 0).map((b) => b.frame);
    expect(() => estimateRelativeExposures([dark, bright], [null, null])).toThrow(MissingExposureError);
    expect(() => estimateRelativeExposures([dark, bright], [null, null])).toThrow(/frame1\.png.*frame0\.png|frame0\.png.*frame1\.png/);
    // With metadata it goes on, and says it could not check it.
    const r = estimateRelativeExposures([dark, bright], [-7, 4]);
    expect(r.ev).toEqual([-7, 4]);
    expect(r.warnings[0]).toMatch(/too few pixels/);
  });

  it('rejects mismatched input', () => {
    const small = { ...frames[0], width: 80, data: new Float32Array(80 * 120 * 3), meta: { sourceName: 'small.png' } };
    expect(() => estimateRelativeExposures([frames[0], small], [null, null])).toThrow(BracketMismatchError);
    expect(() => estimateRelativeExposures(frames, [null])).toThrow(RangeError);
    expect(() => estimateRelativeExposures([], [])).toThrow(RangeError);
  });
});
