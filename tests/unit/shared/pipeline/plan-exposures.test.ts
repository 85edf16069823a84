/** planExposures with metadata that contradicts the pixels outright: the response must not be fitted to it. */
import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { blamedFrames, contradictedPairs, grossContradiction, pixelOnlyReach, planExposures, type ExposurePlan } from '../../../../src-shared/pipeline/plan-exposures';
import { CURVES, photographBracket } from '../merge/camera-curves';
import { radianceField } from '../merge/synthetic-bracket';

// A camera JPEG bracket (a film-like tone curve, so a response is recovered), 3 stops apart.
const EV = [-3, 0, 3];
const truth = radianceField(200, 150, 12, 3);
const frames = photographBracket(truth, EV, { curve: CURVES['gamma-s'], shot: 0.006, read: 0.0006 });
const tagged = (ev: (number | null)[]): LinearImage[] => frames.map((f, i) => ({ ...f, ev: ev[i], meta: { ...f.meta, sourceName: `f${i}.jpg` } }));
const relative = (ev: number[]): number[] => ev.map((v) => v - ev[1]);
/** The warning that names frames whose given exposures the pixels contradict (none for honest metadata). */
const contradictions = (plan: ExposurePlan): string[] => plan.warnings.filter((w) => /contradicts? the pixels/.test(w));

describe('planExposures against metadata that cannot be right', () => {
  it('keeps honest metadata and finds no contradiction in it', () => {
    expect(grossContradiction(frames, EV)).toBe(false);
    const plan = planExposures(tagged(EV));
    expect(plan.ev).toEqual([-3, 0, 3]);
    expect(plan.source).toEqual(['metadata', 'metadata', 'metadata']);
    expect(contradictions(plan)).toEqual([]);
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

describe('planExposures says whether the pixels can stand in for metadata that contradicts them', () => {
  it.each([
    ['the darkest and brightest frames swapped', [3, 0, -3], 'f0.jpg and f2.jpg'],
    ['one exposure time for every frame', [0, 0, 0], 'f0.jpg and f2.jpg'],
    ['an impossible time (1e30 s)', [Math.log2(1e30), 0, 3], 'f0.jpg'],
  ])('says loudly that nothing confirms the estimate when the metadata has %s', (_label, meta, blamed) => {
    // Three frames through a film-like curve: the pixels with the response fitted to them put the frames 3.44 stops
    // apart, not 3, and with two frames' metadata out there is no ratio left to say which.
    const [warning, ...more] = contradictions(planExposures(tagged(meta)));
    expect(more).toEqual([]);
    expect(warning).toMatch(/^EXPOSURES UNRELIABLE: /);
    expect(warning).toContain(`exposure metadata of ${blamed} contradicts the pixels`);
    expect(warning).toContain("nothing confirms that estimate's 6.9 stops (it keeps the given ratios of only 1 of 3 frames)");
    expect(warning).toMatch(/may be off by stops; give the true times with --exposure-times$/);
  });

  it('says quietly that the pixels stood in when the other frames keep their given exposures around them', () => {
    // Five frames: the four honest ones give the curve's slope, and the estimate keeps their metadata.
    const five = photographBracket(truth, [-4, -2, 0, 2, 4], { curve: CURVES['gamma-s'], shot: 0.006, read: 0.0006 });
    const meta = [Math.log2(1e30), -2, 0, 2, 4];
    const plan = planExposures(five.map((f, i) => ({ ...f, ev: meta[i], meta: { ...f.meta, sourceName: `f${i}.jpg` } })));
    plan.ev.forEach((v, i) => expect(v).toBeCloseTo([-4, -2, 0, 2, 4][i], 0));
    expect(contradictions(plan)).toEqual([
      "the exposure metadata of f0.jpg contradicts the pixels (a frame given more exposure is darker), so the exposures were estimated from the pixels; the other frames' given exposures agree with that estimate",
    ]);
  });

  it('names the times the user gave, and does not send them back to --exposure-times', () => {
    const [warning] = contradictions(planExposures(frames, { exposureTimes: [1, 1, 1] }));
    expect(warning).toMatch(/^EXPOSURES UNRELIABLE: the exposure times given for \S+ and \S+ contradict the pixels/);
    expect(warning).toMatch(/check the times given to --exposure-times$/);
  });

  it('counts how many steps of pixel ratios lie between a frame and the frames that keep their given ratios', () => {
    // Like ../shared's desktop bracket with its ends swapped: the estimate keeps seven frames' metadata and squeezes
    // the four darker ones (bench/exposure-contradiction.ts); the truly darkest frame is five steps from the seven.
    const given = [12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0];
    const ev = [-3, -2.2, -0.2, 1.8, 3.6, 5, 6, 7, 8, 9, 10, 11, 11.8];
    expect(pixelOnlyReach(ev, given)).toEqual({ held: 7, confirmed: true, frame: 0, steps: 5, stops: 8 });
    // A swap whose other frames all keep their metadata leaves each swapped frame one step from them.
    expect(pixelOnlyReach([0, 1, 2, 3, 4], [4, 1, 2, 3, 0])).toMatchObject({ confirmed: true, steps: 1 });
    // Two frames of five agreeing is not most of the bracket; four frames given one time confirm no ratio.
    expect(pixelOnlyReach([0, 3, 6, 9, 12], [0, 1, 5, 8, 12])).toMatchObject({ held: 2, confirmed: false, steps: 4, stops: 12 });
    expect(pixelOnlyReach([0, 0, 0, 0, 5], [1, 1, 1, 1, 1])).toMatchObject({ held: 4, confirmed: false });
  });

  it('blames the frames every contradicted pair shares, settling ties by how far the estimate moved them', () => {
    const pairs = contradictedPairs(frames, [3, 0, -3]);
    expect(pairs).toHaveLength(3);
    expect(blamedFrames(pairs, [-3, 0, 3], [3, 0, -3])).toEqual([0, 2]);
    const apart = [{ dimmer: 2, brighter: 0, why: 'apart' as const }, { dimmer: 1, brighter: 0, why: 'apart' as const }];
    expect(blamedFrames(apart, [0, 1, 2], [99, 1, 2])).toEqual([0]);
  });
});
