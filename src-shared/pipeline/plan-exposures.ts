/**
 * Decides the relative exposure (ev) of every frame of a bracket: from the user's exposure
 * times, else from metadata, each verified against the pixels (metadata lies), else from the
 * pixels alone when the caller allows it.
 */
import { MissingExposureError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { estimateRelativeExposures } from '../merge/exposure-estimate';

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
}

export interface PlanOptions {
  /** Seconds per frame given by the user, in frame order; overrides metadata. */
  exposureTimes?: readonly number[];
  /** Estimate missing exposures from the pixels instead of failing. */
  allowPixelEstimate?: boolean;
}

export function planExposures(frames: readonly LinearImage[], options: PlanOptions = {}): ExposurePlan {
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
      `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no exposure time in its metadata: give --exposure-times, or --exposures-from-pixels to estimate them`,
      missing[0],
    );
  }
  const estimate = estimateRelativeExposures(frames as LinearImage[], given);
  const order = estimate.ev.map((_, i) => i).sort((a, b) => estimate.ev[a] - estimate.ev[b]);
  const referenceIndex = order[(order.length - 1) >> 1];
  const reference = estimate.ev[referenceIndex];
  return {
    ev: estimate.ev.map((ev) => ev - reference),
    referenceIndex,
    absoluteEv: estimate.ev,
    source: estimate.source.map((s) => (s === 'metadata' ? givenSource : 'pixels')),
    warnings: estimate.warnings,
  };
}
