/**
 * Decides the relative exposure (ev) of every frame of a bracket: from the user's exposure
 * times, else from metadata, each verified against the pixels (metadata lies), else from the
 * pixels alone when the caller allows it.
 */
import { MissingExposureError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { checkFrameSizes, estimateRelativeExposures, METADATA_TOLERANCE_STOPS, type ExposureEstimate } from '../merge/exposure-estimate';
import { recoverResponse, summariseResponse, type CameraResponse, type ResponseOptions, type ResponseSummary } from '../merge/response';

export type EvSource = 'metadata' | 'pixels' | 'user';

export interface ExposurePlan {
  /**
   * Relative exposure of each frame in stops, normalised so the reference frame is 0: the
   * radiance map keeps that frame's pixel values where it is well exposed (mid-grey stays
   * near 0.18 and real scenes stay inside half-float range).
   */
  ev: number[];
  /** The frame the radiance is normalised to: the median exposure. */
  referenceIndex: number;
  /** The ev of each frame before normalisation (log2 of t x ISO/100 / N^2, or log2 t for user times). */
  absoluteEv: number[];
  source: EvSource[];
  warnings: string[];
  /**
   * The camera response recovered from the frames (tone-mapped integer files only), which the
   * radiance merge reads them through; null for linear sources or when it could not be recovered.
   */
  response: CameraResponse | null;
  /** A short description of the response for reports; null with no response. */
  responseSummary: ResponseSummary | null;
}

export interface PlanOptions {
  /** Seconds per frame given by the user, in frame order; overrides metadata. */
  exposureTimes?: readonly number[];
  /** Estimate missing exposures from the pixels instead of failing. */
  allowPixelEstimate?: boolean;
}

/** `fit` tunes the camera response recovery (recoverResponse); the default is the plain fit. */
export function planExposures(frames: readonly LinearImage[], options: PlanOptions = {}, fit: ResponseOptions = {}): ExposurePlan {
  const { exposureTimes, allowPixelEstimate = false } = options;
  let given: (number | null)[];
  let givenSource: EvSource;
  if (exposureTimes) {
    if (exposureTimes.length !== frames.length) {
      throw new RangeError(`${exposureTimes.length} exposure times given for ${frames.length} frames`);
    }
    for (const t of exposureTimes) {
      if (!(t > 0) || !Number.isFinite(t)) throw new RangeError(`exposure time must be a positive number of seconds, got ${t}`);
    }
    given = exposureTimes.map((t) => Math.log2(t));
    givenSource = 'user';
  } else {
    given = frames.map((f) => f.ev);
    givenSource = 'metadata';
  }
  const missing = frames.filter((_, i) => given[i] === null).map((f) => f.meta.sourceName ?? '?');
  if (missing.length > 0 && !allowPixelEstimate) {
    throw new MissingExposureError(
      `${missing.join(', ')} ${missing.length === 1 ? 'has no exposure time in its' : 'have no exposure time in their'} metadata (none, or one of zero or less): give --exposure-times, or --exposures-from-pixels to estimate them`,
      missing[0],
    );
  }
  const { estimate, response, contradicted } = estimateWithResponse(frames as LinearImage[], given, fit);
  // Said first: it is the one that tells whether the radiance can be trusted at all.
  const warnings = contradicted.length > 0
    ? [contradictionWarning(frames, given as number[], estimate.ev, contradicted, givenSource), ...estimate.warnings]
    : estimate.warnings;
  const order = estimate.ev.map((_, i) => i).sort((a, b) => estimate.ev[a] - estimate.ev[b]);
  const referenceIndex = order[(order.length - 1) >> 1];
  const reference = estimate.ev[referenceIndex];
  return {
    ev: estimate.ev.map((ev) => ev - reference),
    referenceIndex,
    absoluteEv: estimate.ev,
    source: estimate.source.map((s) => (s === 'metadata' ? givenSource : 'pixels')),
    warnings,
    response,
    responseSummary: response ? summariseResponse(response) : null,
  };
}

/** Exposures in stops this close count as the same when iterating response and exposures. */
const SETTLED = 0.01;

/**
 * Exposures and camera response depend on each other: the response is fitted to exposures, and
 * exposures are checked on frames linearised through the response. Start the response from the
 * given exposures (metadata or the user's; the pixels alone where those are missing), check the
 * exposures through it, and refit once if the check moved any of them (a lying frame).
 */
function estimateWithResponse(
  frames: LinearImage[],
  given: (number | null)[],
  fit: ResponseOptions,
): { estimate: ExposureEstimate; response: CameraResponse | null; contradicted: ContradictedPair[] } {
  if (frames.length > 0) checkFrameSizes(frames);
  // The estimate without a response, only where it is needed (a missing exposure, or no response):
  // at 24 MP it reads every pixel of every frame once more.
  let plain: ExposureEstimate | null = null;
  const plainEstimate = (): ExposureEstimate => (plain ??= estimateRelativeExposures(frames, given));
  // A response fitted to exposures that contradict the pixels outright (frames swapped, one time for all,
  // an impossible time) reads the frames wrongly, and then no ratio checks out through it: the check would
  // keep the wrong exposures. Such a bracket starts from the pixels' own ratios.
  const complete = given.every((v) => v !== null);
  const contradicted = complete ? contradictedPairs(frames, given as number[]) : [];
  let fitted = complete && contradicted.length === 0 ? (given as number[]) : plainEstimate().ev;
  let response = recoverResponse(frames, fitted, fit);
  if (!response) return { estimate: plainEstimate(), response: null, contradicted };
  if (contradicted.length > 0) {
    // Checked through the response as any bracket is, against the pixels' exposures: the given ones are out.
    const fromPixels = plainEstimate();
    const through = estimateRelativeExposures(frames, fromPixels.ev, { response });
    return {
      estimate: { ...through, source: fromPixels.source, warnings: [...fromPixels.warnings, ...through.warnings.filter((w) => !w.startsWith('too few pixels'))] },
      response,
      contradicted,
    };
  }
  let estimate = estimateRelativeExposures(frames, given, { response });
  const settled = (ev: number[]): boolean => ev.every((v, i) => Math.abs(v - ev[0] - (fitted[i] - fitted[0])) <= SETTLED);
  for (let round = 0; round < 2 && !settled(estimate.ev); round++) {
    fitted = estimate.ev;
    response = recoverResponse(frames, fitted, fit) ?? response;
    estimate = estimateRelativeExposures(frames, given, { response });
  }
  return { estimate, response, contradicted };
}

/** Samples per frame the gross check reads (a sparse grid: it only has to see whole stops). */
const GROSS_SAMPLES = 40_000;
/** More stops than this between two exposures: such frames share no usable pixel, unless one exposure is wrong. */
const MAX_APART_STOPS = 16;

/** How a pair's given exposures contradict its pixels (see contradictedPairs). */
export type Contradiction = 'darker' | 'same' | 'apart';

export interface ContradictedPair {
  /** The frame given the less exposure (the first in input order when both are given the same). */
  dimmer: number;
  brighter: number;
  why: Contradiction;
}

/**
 * Exposures that cannot be right, for some pair of frames, judged by the median log2 ratio of their pixels
 * (sRGB-decoded, above the noise and below clipping in both): the frame given more exposure is over a stop
 * darker (frames swapped), or the two are given the same exposure and differ by 1.5 stops or more (one time
 * for all), or they are given over 16 stops apart and still share such pixels (an impossible time). Nothing finer: a camera's tone curve and noise floor bend the ratios of
 * honest brackets by stops (2-stop pairs of ../shared's brackets measure -0.2 to 2.6). Frames with too few
 * such pixels in common are not judged.
 */
export function grossContradiction(frames: readonly LinearImage[], ev: readonly number[]): boolean {
  return contradictedPairs(frames, ev).length > 0;
}

/** Every pair of frames whose given exposures the pixels contradict outright, by grossContradiction's rules. */
export function contradictedPairs(frames: readonly LinearImage[], ev: readonly number[]): ContradictedPair[] {
  const n = frames[0].width * frames[0].height;
  const stride = Math.max(1, Math.floor(n / GROSS_SAMPLES));
  const grey = frames.map((f) => {
    const out = new Float32Array(Math.ceil(n / stride));
    const ch = f.channels;
    const clip = f.meta.clipLevel ?? 1;
    for (let p = 0, j = 0; p < n; p += stride, j++) {
      const v = ch === 1 ? f.data[p] : f.data[p * ch + 1];
      out[j] = v > 0.01 * clip && v < 0.9 * clip ? v : NaN;
    }
    return out;
  });
  const pairs: ContradictedPair[] = [];
  // Every pair, not only neighbours: a swap's neighbours may share no usable pixel (12 stops apart), and one time
  // given to a bracket of 1-stop steps is only visibly wrong between frames two or more steps apart.
  for (let a = 0; a < ev.length; a++) {
    for (let b = 0; b < ev.length; b++) {
      if (a === b || ev[b] < ev[a] || (ev[b] === ev[a] && b < a)) continue;
      const logs: number[] = [];
      for (let j = 0; j < grey[a].length; j++) {
        const r = grey[b][j] / grey[a][j];
        if (r > 0) logs.push(Math.log2(r));
      }
      if (logs.length < 200) continue;
      logs.sort((x, y) => x - y);
      const measured = logs[logs.length >> 1];
      const given = ev[b] - ev[a];
      if (given >= 0.5 && measured <= -1) pairs.push({ dimmer: a, brighter: b, why: 'darker' });
      else if (given < 1 / 6 && Math.abs(measured) >= 1.5) pairs.push({ dimmer: a, brighter: b, why: 'same' });
      else if (given > MAX_APART_STOPS) pairs.push({ dimmer: a, brighter: b, why: 'apart' });
    }
  }
  return pairs;
}

/**
 * The frames to blame for contradicted pairs: fewest frames that are in every pair, picked greedily (the frame
 * in most pairs first; on ties the one the estimate `ev` moves furthest from its given exposure, relative to the
 * median move, then the first in input order). A swap names its two frames, an impossible time its one, one time
 * for all most of the bracket. The moves settle ties a count cannot, such as a three-frame bracket's ends swapped, where
 * every pair is contradicted.
 */
export function blamedFrames(pairs: readonly ContradictedPair[], ev: readonly number[], given: readonly number[]): number[] {
  const moves = ev.map((v, i) => v - given[i]);
  const sorted = [...moves].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  const departure = moves.map((m) => Math.abs(m - median));
  let left = [...pairs];
  const blamed: number[] = [];
  while (left.length > 0) {
    const count = new Map<number, number>();
    for (const p of left) for (const f of [p.dimmer, p.brighter]) count.set(f, (count.get(f) ?? 0) + 1);
    let worst = -1;
    for (const [f, c] of count) {
      const w = count.get(worst) ?? -1;
      if (c > w || (c === w && (departure[f] > departure[worst] || (departure[f] === departure[worst] && f < worst)))) worst = f;
    }
    blamed.push(worst);
    left = left.filter((p) => p.dimmer !== worst && p.brighter !== worst);
  }
  return blamed.sort((a, b) => a - b);
}

/** How far an estimate rests on pixel ratios that no given exposure confirms. */
export interface PixelOnlyReach {
  /** Frames the estimate keeps at the ratios they were given (the largest such set). */
  held: number;
  /** Those are most of the bracket and were given exposures MIN_CONFIRMING_STOPS or more apart. */
  confirmed: boolean;
  /** The frame furthest, in steps between frames adjacent in exposure, from the held frames (the brightest when none are confirmed). */
  frame: number;
  steps: number;
  /** The estimated stops between that frame and the nearest held one (the whole span when none are confirmed). */
  stops: number;
}

/** A given ratio under this confirms nothing about the pixels' scale (frames given the same time and looking alike). */
const MIN_CONFIRMING_STOPS = 0.5;

/**
 * Reads an estimate against the given exposures: the largest set of frames the estimate keeps at their given
 * ratios (each within METADATA_TOLERANCE_STOPS of one offset) confirms it, if it is most of the bracket (two frames
 * of five can agree by chance) and its given exposures span MIN_CONFIRMING_STOPS or more. Every other frame rests
 * on pixel ratios, counted in steps between frames adjacent in exposure. Those add up along a chain: the pixels'
 * ratios are bent by the camera's tone curve, which a response recovered from the same pixels cannot pin down (a
 * steeper curve with wider exposures fits them as well), so how well pixel ratios agree with each other around
 * the bracket says nothing here. One step from a held frame is what a caught swap or one wrong time leaves; more
 * is an estimate nothing holds in place.
 */
export function pixelOnlyReach(ev: readonly number[], given: readonly number[]): PixelOnlyReach {
  const n = ev.length;
  const offset = ev.map((v, i) => v - given[i]);
  let held: number[] = [];
  for (let a = 0; a < n; a++) {
    const agree = offset.flatMap((o, i) => (Math.abs(o - offset[a]) <= METADATA_TOLERANCE_STOPS ? [i] : []));
    if (agree.length > held.length) held = agree;
  }
  const heldGiven = held.map((i) => given[i]);
  const order = ev.map((_, i) => i).sort((a, b) => ev[a] - ev[b] || a - b);
  if (2 * held.length <= n || Math.max(...heldGiven) - Math.min(...heldGiven) < MIN_CONFIRMING_STOPS) {
    return { held: held.length, confirmed: false, frame: order[n - 1], steps: n - 1, stops: ev[order[n - 1]] - ev[order[0]] };
  }
  const rank = new Array<number>(n);
  order.forEach((f, k) => (rank[f] = k));
  let worst: PixelOnlyReach = { held: held.length, confirmed: true, frame: held[0], steps: 0, stops: 0 };
  for (let i = 0; i < n; i++) {
    let near = held[0];
    for (const h of held) if (Math.abs(rank[h] - rank[i]) < Math.abs(rank[near] - rank[i])) near = h;
    const steps = Math.abs(rank[near] - rank[i]);
    if (steps > worst.steps) worst = { ...worst, frame: i, steps, stops: Math.abs(ev[i] - ev[near]) };
  }
  return worst;
}

/** More unconfirmed steps than this between a frame and a confirmed one, and the estimate cannot be trusted. */
const TRUSTED_PIXEL_STEPS = 1;

const WHY: Record<Contradiction, string> = {
  darker: 'a frame given more exposure is darker',
  same: 'frames given the same exposure differ by 1.5 stops or more',
  apart: 'frames given over 16 stops apart still share well-exposed pixels',
};

/**
 * The warning of a bracket whose given exposures the pixels contradict: which frames, and whether the pixels'
 * own estimate can stand in for them (most other frames keep their given ratios around it) or not, loudly: of the
 * 67 lies bench/exposure-contradiction.ts tells ../shared's brackets and catches, 59 of the 60 it calls unreliable
 * end over a stop from the listed times (up to 5.2), and none of the 7 it lets through (at most 0.36).
 */
function contradictionWarning(frames: readonly LinearImage[], given: readonly number[], ev: readonly number[], pairs: readonly ContradictedPair[], source: EvSource): string {
  const name = (i: number): string => frames[i].meta.sourceName ?? `frame ${i + 1}`;
  const blamed = blamedFrames(pairs, ev, given).map(name);
  const named = blamed.length <= 4 ? listed(blamed) : `${blamed.slice(0, 3).join(', ')} and ${blamed.length - 3} more frames`;
  const what = source === 'user' ? `exposure times given for ${named} contradict` : `exposure metadata of ${named} contradicts`;
  const why = [...new Set(pairs.map((p) => WHY[p.why]))].join('; ');
  const head = `the ${what} the pixels (${why}), so the exposures were estimated from the pixels`;
  const reach = pixelOnlyReach(ev, given);
  if (reach.confirmed && reach.steps <= TRUSTED_PIXEL_STEPS) return `${head}; the other frames' given exposures agree with that estimate`;
  const n = frames.length;
  const loose = reach.confirmed
    ? `${name(reach.frame)}'s exposure rests on ${reach.steps} steps of pixel ratios alone (${reach.stops.toFixed(1)} stops from the nearest frame that keeps its given exposure)`
    : 2 * reach.held <= n
      ? `nothing confirms that estimate's ${reach.stops.toFixed(1)} stops (it keeps the given ratios of only ${reach.held} of ${n} frames)`
      : `nothing confirms that estimate's ${reach.stops.toFixed(1)} stops (the ${reach.held} frames whose given ratios it keeps were all given the same exposure)`;
  const fix = source === 'user' ? 'check the times given to --exposure-times' : 'give the true times with --exposure-times';
  return `EXPOSURES UNRELIABLE: ${head}, and ${loose}. The radiance values (EXR, HDR) may be off by stops; ${fix}`;
}

function listed(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
