import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { mergeRadiance } from '../../../../src-shared/merge/radiance';
import { radianceConsistency } from '../../../../src-shared/merge/radiance-consistency';
import { balanceChannels, exposureTables, recoverResponse, responseApplies, srgbCurve, summariseResponse } from '../../../../src-shared/merge/response';
import { readTable } from '../../../../src-shared/image/srgb-tables';
import { mergeBracket } from '../../../../src-shared/pipeline/merge-bracket';
import { bracketAroundMedian, renderDynamicBracket } from '../../../../src-shared/ghost/dynamic-bracket';
import { srgbToLinear } from '../../../../src-shared/image/srgb';
import { CURVES, photograph, photographBracket, radianceError } from './camera-curves';
import { radianceField } from './synthetic-bracket';

// A 14-stop scene photographed 4 times, 1.5-2 stops apart (unevenly, so no ripple of the curve
// fits every pair by accident), with shot and read noise, clipping and 8-bit quantisation.
const EV = [-2.5, -0.8, 1, 2.7];
const truth = radianceField(200, 150, 14, 5);
const shoot = (curve: string): LinearImage[] => photographBracket(truth, EV, { curve: CURVES[curve], shot: 0.006, read: 0.0006 });
const withEv = (frames: LinearImage[], ev: number[]): LinearImage[] => frames.map((f, i) => ({ ...f, ev: ev[i] }));

/** The camera's true inverse curve per channel, normalised like ours (the level below clip reads as sRGB does). */
function trueInverse(curve: string, c: number): Float64Array {
  const f = CURVES[curve];
  const inv = (e: number): number => {
    let lo = 0;
    let hi = 1;
    for (let k = 0; k < 50; k++) {
      const m = (lo + hi) / 2;
      if (f(m, c) < e) lo = m;
      else hi = m;
    }
    return (lo + hi) / 2;
  };
  return Float64Array.from({ length: 256 }, (_, z) => inv(z / 255));
}

/** Largest |ln(recovered / true)| over levels 10%-95%, after one scale per channel (the median ratio). */
function curveError(recovered: Float64Array, truthCurve: Float64Array): number {
  const logs: number[] = [];
  for (let z = 26; z <= 242; z++) logs.push(Math.log(recovered[z] / truthCurve[z]));
  const sorted = [...logs].sort((a, b) => a - b);
  const mid = sorted[sorted.length >> 1];
  return Math.max(...logs.map((l) => Math.abs(l - mid)));
}

describe('camera response recovery', () => {
  it('fits no response to frames of one exposure (a stack for noise): the fit would be flat, and the merge one grey', () => {
    const frames = photographBracket(truth, [0, 0, 0.1], { curve: CURVES[Object.keys(CURVES)[0]], shot: 0.006, read: 0.0006 });
    expect(recoverResponse(frames, [0, 0, 0.1])).toBeNull();
    expect(recoverResponse(frames.slice(0, 2), [0, 1])).not.toBeNull();
  });

  for (const curve of ['gamma-s', 'filmic', 'per-channel', 'gn-like']) {
    it(`recovers a ${curve} film-like curve within 3% and merges within 2% (the sRGB assumption is 4-13% off)`, () => {
      const frames = shoot(curve);
      const r = recoverResponse(frames, EV);
      expect(r).not.toBeNull();
      for (let c = 0; c < 3; c++) expect(curveError(r!.curves[c], trueInverse(curve, c))).toBeLessThan(0.03);
      const outcome = mergeBracket(withEv(frames, EV), 'radiance');
      expect(outcome.plan?.source).toEqual(['metadata', 'metadata', 'metadata', 'metadata']);
      expect(outcome.plan?.responseSummary?.method).toBe('debevec');
      const ours = radianceError(outcome.radiance!, truth, frames);
      const assumed = radianceError(mergeRadiance(frames, EV), truth, frames);
      expect(ours.pixels).toBeGreaterThan(0.8 * truth.width * truth.height);
      expect(ours.median).toBeLessThan(0.02);
      expect(assumed.median).toBeGreaterThan(2 * ours.median);
    });
  }

  it('checks frames against a merge through the same response (the CLI consistency report)', () => {
    const frames = shoot('filmic');
    const r = recoverResponse(frames, EV)!;
    const merged = mergeRadiance(frames, EV, { response: r });
    // Remembered from the merge, or given: every frame agrees within 2%; read as sRGB they would not.
    for (const e of radianceConsistency(frames, EV, merged)) expect(e).toBeLessThan(0.02);
    expect(radianceConsistency(frames, EV, merged, r)).toEqual(radianceConsistency(frames, EV, merged));
    expect(Math.max(...radianceConsistency(frames, EV, merged, null))).toBeGreaterThan(0.05);
  });

  it('keeps channels that do not share a curve in balance: white meets at the same exposure', () => {
    const frames = shoot('per-channel');
    const r = recoverResponse(frames, EV)!;
    // Top of the curve equal across channels (white balance before the curve), mid-tones apart as the gammas are.
    expect(Math.abs(r.curves[0][254] / r.curves[2][254] - 1)).toBeLessThan(1e-6);
    expect(r.curves[2][128] / r.curves[0][128]).toBeLessThan(0.85);
    const { contrast } = summariseResponse(r);
    expect(contrast[2]).toBeGreaterThan(contrast[0]);
  });

  it('keeps grey grey where one channel\'s clipped pixels read just below clip (a JPEG\'s ringing): the channels are balanced over their mid-tones', () => {
    // Red clipped anywhere reads 250-254, as a JPEG's compression leaves a clipped area: the fit takes
    // those for the top of red's curve, and anchoring at white tinted the whole merge.
    const frames = EV.map((ev, i) => {
      const { frame, codes } = photograph(truth, ev, { curve: CURVES['gamma-s'], shot: 0.006, read: 0.0006, seed: 41 + i });
      const data = Float32Array.from(frame.data);
      for (let k = 0; k < codes.length; k += 3) if (codes[k] === 255) data[k] = srgbToLinear((250 + ((k / 3) % 5)) / 255);
      return { ...frame, data, ev };
    });
    const outcome = mergeBracket(frames, 'radiance');
    expect(outcome.plan!.response!.balance).toBe('mid-tones');
    // The merge's red/green against the truth's, median over pixels well exposed in the middle frame: the cast, in stops.
    const m = outcome.radiance!.data;
    const ref = frames[1].data;
    const casts: number[] = [];
    for (let p = 0; p < truth.width * truth.height; p++) {
      const i = p * 3;
      if (Math.min(ref[i], ref[i + 1], ref[i + 2]) < 0.05 || Math.max(ref[i], ref[i + 1], ref[i + 2]) > 0.6) continue;
      casts.push(Math.log2(m[i] / m[i + 1]) - Math.log2(truth.data[i] / truth.data[i + 1]));
    }
    casts.sort((a, b) => a - b);
    expect(casts.length).toBeGreaterThan(2000);
    expect(Math.abs(casts[casts.length >> 1])).toBeLessThan(0.05);
  });

  it('balances curves that share a shape over the mid-tones, and leaves curves of their own meeting at white', () => {
    const counts = [0, 1, 2].map(() => new Float64Array(256).fill(100));
    const srgb = srgbCurve(256);
    // One curve; red's last 12 levels bent upwards and its scale set by its bent white, as the fit did.
    const bent = Float64Array.from(srgb, (v, z) => v * (z > 243 ? 1 + 0.1 * (z - 243) : 1));
    const anchored = Float64Array.from(bent, (v) => (v * srgb[254]) / bent[254]);
    const shared = balanceChannels([anchored, Float64Array.from(srgb), Float64Array.from(srgb)], counts);
    expect(shared.balanced).toBe(true);
    expect(anchored[128] / srgb[128]).toBeLessThan(0.6);
    for (const z of [40, 128, 200]) {
      expect(shared.curves[0][z] / shared.curves[1][z]).toBeCloseTo(1, 2);
      expect(shared.curves[2][z] / shared.curves[1][z]).toBeCloseTo(1, 2);
    }
    // Gammas 1.9 / 2.2 / 2.5: three curves, white where they meet.
    const own = [1.9, 2.2, 2.5].map((g) => Float64Array.from({ length: 256 }, (_, z) => (z / 255) ** g)) as [Float64Array, Float64Array, Float64Array];
    const apart = balanceChannels(own, counts);
    expect(apart.balanced).toBe(false);
    expect(apart.spread).toBeGreaterThan(0.2);
    expect(apart.curves).toBe(own);
    // Levels some channel was never read at say nothing about the balance.
    const none = balanceChannels(own, [counts[0], new Float64Array(256), counts[2]]);
    expect(none.balanced).toBe(false);
  });

  it('finds a camera that really writes sRGB to be sRGB, and merges as well as the plain sRGB merge', () => {
    const frames = shoot('srgb');
    const outcome = mergeBracket(withEv(frames, EV), 'radiance');
    const s = outcome.plan!.responseSummary!;
    for (const c of s.contrast) expect(Math.abs(c - 1)).toBeLessThan(0.03);
    for (const d of s.maxStopsFromSrgb) expect(d).toBeLessThan(0.06);
    const ours = radianceError(outcome.radiance!, truth, frames).median;
    const plain = radianceError(mergeRadiance(frames, EV), truth, frames).median;
    expect(ours).toBeLessThan(0.02);
    expect(ours).toBeLessThan(plain * 1.15);
  });

  it('leaves linear frames alone: no response, the exact exposure-weighted merge', () => {
    const lin = EV.map((ev) => ({ ...truth, data: truth.data.map((v) => v * 2 ** ev), ev, meta: { sourceTransfer: 'linear' as const, clipLevel: Infinity } }));
    expect(lin.some(responseApplies)).toBe(false);
    expect(recoverResponse(lin, EV)).toBeNull();
    const outcome = mergeBracket(lin, 'radiance');
    expect(outcome.plan?.response).toBeNull();
    expect(outcome.plan?.responseSummary).toBeNull();
    const m = outcome.radiance!;
    const ref = 2 ** outcome.plan!.absoluteEv[outcome.plan!.referenceIndex];
    for (let i = 0; i < m.data.length; i += 37) expect(m.data[i] / ref).toBeCloseTo(truth.data[i], 4);
  });

  it('reads a pixel blown out in every frame from the darkest, one black in every frame mostly from the brightest, grey frames as RGB', () => {
    const frames = withEv(shoot('filmic'), EV);
    const r = recoverResponse(frames, EV)!;
    const exposure = exposureTables(r);
    const blown = 10 * 200 + 20;
    const black = 40 * 200 + 60;
    const edited = frames.map((f) => {
      const data = f.data.slice();
      data.fill(1, blown * 3, blown * 3 + 3);
      data.fill(0, black * 3, black * 3 + 3);
      return { ...f, data };
    });
    const m = mergeRadiance(edited, EV, { response: r });
    for (let c = 0; c < 3; c++) {
      expect(m.data[blown * 3 + c]).toBeCloseTo(readTable(exposure[c], 1) * 2 ** -EV[0], 6);
      // Black is still evidence (the black floor): the frames' readings of 0 averaged by their noise gains, the brightest's most.
      const gain = EV.map((ev) => 4 ** (ev - EV[3]));
      const mean = EV.reduce((s, ev, f) => s + gain[f] * 2 ** -ev, 0) / gain.reduce((s, g) => s + g, 0);
      expect(m.data[black * 3 + c] / (readTable(exposure[c], 0) * mean)).toBeCloseTo(1, 5);
    }
    // One channel, read for every channel: the same as three equal channels.
    const grey = frames.map((f) => ({ ...f, channels: 1 as const, data: f.data.filter((_, i) => i % 3 === 1) }));
    const tripled = grey.map((f) => ({ ...f, channels: 3 as const, data: Float32Array.from({ length: f.data.length * 3 }, (_, i) => f.data[Math.floor(i / 3)]) }));
    expect(grey.every(responseApplies)).toBe(true);
    expect(Array.from(mergeRadiance(grey, EV, { response: r }).data)).toEqual(Array.from(mergeRadiance(tripled, EV, { response: r }).data));
  });

  it('still catches a frame whose metadata is 2x off, and merges as if it were right', () => {
    const frames = shoot('gamma-s');
    const lying = [...EV];
    lying[2] += 1; // the camera wrote twice the real exposure time
    const outcome = mergeBracket(withEv(frames, lying), 'radiance');
    const plan = outcome.plan!;
    expect(plan.source).toEqual(['metadata', 'metadata', 'pixels', 'metadata']);
    expect(plan.warnings.some((w) => /metadata says .*frame2\.png.*using the pixels/.test(w))).toBe(true);
    // Relative exposures back to the truth within 0.05 stop.
    plan.absoluteEv.forEach((e, i) => expect(Math.abs(e - plan.absoluteEv[0] - (EV[i] - EV[0]))).toBeLessThan(0.05));
    expect(radianceError(outcome.radiance!, truth, frames).median).toBeLessThan(0.02);
  });

  it('fills in exposures from the pixels through the response when metadata is missing', () => {
    const frames = shoot('filmic');
    const outcome = mergeBracket(withEv(frames, [EV[0], EV[1], null as unknown as number, EV[3]]), 'radiance', { allowPixelEstimate: true });
    const plan = outcome.plan!;
    expect(plan.source[2]).toBe('pixels');
    expect(Math.abs(plan.absoluteEv[2] - plan.absoluteEv[0] - (EV[2] - EV[0]))).toBeLessThan(0.05);
  });

  it('offers Robertson as an option, and returns null with fewer than two usable frames', () => {
    const frames = shoot('gamma-s');
    const r = recoverResponse(frames, EV, { method: 'robertson' })!;
    expect(r.method).toBe('robertson');
    for (let c = 0; c < 3; c++) expect(curveError(r.curves[c], trueInverse('gamma-s', c))).toBeLessThan(0.1);
    expect(recoverResponse([frames[0]], [0])).toBeNull();
    expect(() => recoverResponse(frames, [0])).toThrow(RangeError);
  });

  it('with robust rounds, keeps the curve where a fifth of the frame flickers between frames (the plain fit bends by a quarter stop)', () => {
    const scene = radianceField(200, 150, 8, 11);
    const ev = bracketAroundMedian(scene, 3, 2);
    // Green curve's largest error in stops at levels 32..224 against the true sRGB curve, after matching at 128.
    const off = (c: Float64Array): number =>
      Math.max(...[32, 64, 96, 160, 192, 224].map((z) => Math.abs(Math.log2(c[z] / c[128]) - Math.log2(srgbToLinear(z / 255) / srgbToLinear(128 / 255)))));
    for (const seed of [11, 12]) {
      const { frames } = renderDynamicBracket(scene, { evs: ev, seed, flickers: 3, shot: 0, read: 0 });
      expect(off(recoverResponse(frames, ev)!.curves[1])).toBeGreaterThan(0.2);
      expect(off(recoverResponse(frames, ev, { robustRounds: 2 })!.curves[1])).toBeLessThan(0.1);
    }
  });
});
