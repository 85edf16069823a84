/**
 * Decides the relative exposure (ev) of every frame of a bracket: from the user's exposure
 * times, else from metadata, each verified against the pixels (metadata lies), else from the
 * pixels alone when the caller allows it.
 */
import { MissingExposureError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { checkFrameSizes, estimateRelativeExposures, type ExposureEstimate } from '../merge/exposure-estimate';
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
  const { estimate, response } = estimateWithResponse(frames as LinearImage[], given, fit);
  const order = estimate.ev.map((_, i) => i).sort((a, b) => estimate.ev[a] - estimate.ev[b]);
  const referenceIndex = order[(order.length - 1) >> 1];
  const reference = estimate.ev[referenceIndex];
  return {
    ev: estimate.ev.map((ev) => ev - reference),
    referenceIndex,
    absoluteEv: estimate.ev,
    source: estimate.source.map((s) => (s === 'metadata' ? givenSource : 'pixels')),
    warnings: estimate.warnings,
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
function estimateWithResponse(frames: LinearImage[], given: (number | null)[], fit: ResponseOptions): { estimate: ExposureEstimate; response: CameraResponse | null } {
  if (frames.length > 0) checkFrameSizes(frames);
  // The estimate without a response, only where it is needed (a missing exposure, or no response):
  // at 24 MP it reads every pixel of every frame once more.
  let plain: ExposureEstimate | null = null;
  const plainEstimate = (): ExposureEstimate => (plain ??= estimateRelativeExposures(frames, given));
  // A response fitted to exposures that contradict the pixels outright (frames swapped, one time for all,
  // an impossible time) reads the frames wrongly, and then no ratio checks out through it: the check would
  // keep the wrong exposures. Such a bracket starts from the pixels' own ratios.
  const complete = given.every((v) => v !== null);
  const contradicted = complete && grossContradiction(frames, given as number[]);
  let fitted = complete && !contradicted ? (given as number[]) : plainEstimate().ev;
  let response = recoverResponse(frames, fitted, fit);
  if (!response) return { estimate: plainEstimate(), response: null };
  if (contradicted) {
    // Checked through the response as any bracket is, against the pixels' exposures: the given ones are out.
    const fromPixels = plainEstimate();
    const through = estimateRelativeExposures(frames, fromPixels.ev, { response });
    return { estimate: { ...through, source: fromPixels.source, warnings: [...fromPixels.warnings, ...through.warnings.filter((w) => !w.startsWith('too few pixels'))] }, response };
  }
  let estimate = estimateRelativeExposures(frames, given, { response });
  const settled = (ev: number[]): boolean => ev.every((v, i) => Math.abs(v - ev[0] - (fitted[i] - fitted[0])) <= SETTLED);
  for (let round = 0; round < 2 && !settled(estimate.ev); round++) {
    fitted = estimate.ev;
    response = recoverResponse(frames, fitted, fit) ?? response;
    estimate = estimateRelativeExposures(frames, given, { response });
  }
  return { estimate, response };
}

/** Samples per frame the gross check reads (a sparse grid: it only has to see whole stops). */
const GROSS_SAMPLES = 40_000;
/** More stops than this between two exposures: such frames share no usable pixel, unless one exposure is wrong. */
const MAX_APART_STOPS = 16;

/**
 * Exposures that cannot be right, for some pair of frames, judged by the median log2 ratio of their pixels
 * (sRGB-decoded, above the noise and below clipping in both): the frame given more exposure is over a stop
 * darker (frames swapped), or the two are given the same exposure and differ by 1.5 stops or more (one time
 * for all), or they are given over 16 stops apart and still share such pixels (an impossible time). Nothing finer: a camera's tone curve and noise floor bend the ratios of
 * honest brackets by stops (2-stop pairs of ../shared's brackets measure -0.2 to 2.6). Frames with too few
 * such pixels in common are not judged.
 */
export function grossContradiction(frames: readonly LinearImage[], ev: readonly number[]): boolean {
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
      if (given >= 0.5 && measured <= -1) return true;
      if (given < 1 / 6 && Math.abs(measured) >= 1.5) return true;
      if (given > MAX_APART_STOPS) return true;
    }
  }
  return false;
}
