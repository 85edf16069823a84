/**
 * Robertson, Borman and Stevenson (1999, 2003) inverse response of one channel, by alternating
 * maximum-likelihood steps with the exposures known: each sample's radiance from the current
 * curve (inverse-variance weighted over frames), then the curve at each level as the mean
 * exposure of the samples that landed on it.
 *
 * Measured against Debevec on synthetic brackets (tests/unit/shared/merge/response.test.ts,
 * bench/radiance-quality.ts) it is the less accurate of the two: with exposures a fixed ratio
 * apart, a ripple of the curve with that period in log exposure fits every pair of frames equally
 * well, and with no smoothness prior the alternating steps drift along it. It stays as an option.
 */
import type { ResponseSamples } from './response-samples';

export interface RobertsonResult {
  /** Linear exposure at each level, tidied by `finish` after every pass. */
  curve: Float64Array;
  iterations: number;
}

/**
 * Refines `initial` (linear exposure per level). weight(curve) gives the inverse variance of the
 * exposure read at each level; finish(curve, counts) makes a raw curve monotone and normalised.
 */
export function refineRobertson(
  samples: ResponseSamples,
  c: number,
  times: readonly number[],
  initial: Float64Array,
  weight: (curve: Float64Array) => Float64Array,
  finish: (curve: Float64Array, counts: Float64Array) => Float64Array,
  maxIterations = 30,
  tolerance = 1e-4,
): RobertsonResult {
  const levels = initial.length;
  const frames = samples.frames;
  const lv = samples.levels;
  let curve: Float64Array = Float64Array.from(initial);
  const acc = new Float64Array(levels);
  const counts = new Float64Array(levels);
  let iterations = 0;
  for (let it = 0; it < maxIterations; it++) {
    iterations = it + 1;
    const w = weight(curve);
    acc.fill(0);
    counts.fill(0);
    for (let i = 0; i < samples.count; i++) {
      let num = 0;
      let den = 0;
      const base = i * frames * 3 + c;
      for (let j = 0; j < frames; j++) {
        const l = lv[base + j * 3];
        if (!(l >= 0)) continue;
        const z = Math.round(l);
        num += w[z] * times[j] * curve[z];
        den += w[z] * times[j] * times[j];
      }
      if (!(den > 0)) continue;
      const e = num / den;
      for (let j = 0; j < frames; j++) {
        const l = lv[base + j * 3];
        if (!(l >= 0)) continue;
        const z = Math.round(l);
        acc[z] += times[j] * e;
        counts[z] += 1;
      }
    }
    const next = new Float64Array(levels);
    for (let z = 0; z < levels; z++) next[z] = counts[z] > 0 ? acc[z] / counts[z] : NaN;
    const done = finish(next, counts);
    let change = 0;
    for (let z = 1; z < levels - 1; z++) change = Math.max(change, Math.abs(Math.log(done[z] / curve[z])));
    curve = done;
    if (change < tolerance) break;
  }
  return { curve, iterations };
}
