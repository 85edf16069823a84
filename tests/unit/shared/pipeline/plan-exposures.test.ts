/** planExposures with metadata that contradicts the pixels outright: the response must not be fitted to it. */
import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { grossContradiction, planExposures } from '../../../../src-shared/pipeline/plan-exposures';
import { CURVES, photographBracket } from '../merge/camera-curves';
import { radianceField } from '../merge/synthetic-bracket';

// A camera JPEG bracket (a film-like tone curve, so a response is recovered), 3 stops apart.
const EV = [-3, 0, 3];
const truth = radianceField(200, 150, 12, 3);
const frames = photographBracket(truth, EV, { curve: CURVES['gamma-s'], shot: 0.006, read: 0.0006 });
const tagged = (ev: (number | null)[]): LinearImage[] => frames.map((f, i) => ({ ...f, ev: ev[i], meta: { ...f.meta, sourceName: `f${i}.jpg` } }));
const relative = (ev: number[]): number[] => ev.map((v) => v - ev[1]);

describe('planExposures against metadata that cannot be right', () => {
  it('keeps honest metadata and finds no contradiction in it', () => {
    expect(grossContradiction(frames, EV)).toBe(false);
    const plan = planExposures(tagged(EV));
    expect(plan.ev).toEqual([-3, 0, 3]);
    expect(plan.source).toEqual(['metadata', 'metadata', 'metadata']);
  });

  it.each([
    ['the darkest and brightest frames swapped', [3, 0, -3]],
    ['one exposure time for every frame', [0, 0, 0]],
    ['an impossible time (1e30 s)', [Math.log2(1e30), 0, 3]],
  ])('takes the exposures from the pixels when the metadata has %s', (_label, meta) => {
    expect(grossContradiction(frames, meta)).toBe(true);
    const plan = planExposures(tagged(meta));
    relative(plan.ev).forEach((v, i) => expect(v).toBeCloseTo(EV[i], 0));
    expect(plan.warnings.some((w) => /the pixels say/.test(w))).toBe(true);
    expect(plan.warnings.some((w) => /too few pixels/.test(w))).toBe(false);
    // The response was fitted to the pixels' exposures: a plain, rising curve, not one bent to fit the lie.
    expect(plan.response).not.toBeNull();
  });
});
