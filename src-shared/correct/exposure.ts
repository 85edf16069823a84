/**
 * How far a single frame is from a correct exposure (scene median luminance at 18% grey), from its
 * pixels alone, and what its clipped highlights most likely held.
 *
 * Pixels with a clipped channel are censored observations: their true luminance is at least what
 * they show, so they are ranked above every unclipped pixel before taking the median. When so many
 * pixels clip that the median itself is censored (a frame 3 stops over), the scene's log-luminance
 * is taken as normal (natural scenes are close to log-normal in the body of the histogram) and
 * fitted to two quantiles of the unclipped part; its median is the scene median. The same model
 * gives the expected value of the clipped pixels once the gain is applied.
 */
import type { LinearImage } from '../image/linear-image';
import { linearToSrgb, srgbToLinear } from '../image/srgb';
import { luminance709, quantileSorted } from './correct-input';
import { MIDDLE_GREY, PRE_GAIN_MAX, PRE_GAIN_MIN } from './meta';

/** A linear channel value at or above this counts as clipped (sRGB code 250 of 255). */
export const CLIP_LINEAR = 0.956;
/** Spread of log-luminance assumed when it cannot be measured (natural logs; typical of outdoor scenes). */
const DEFAULT_SIGMA = 1.2;
/** The largest darkening a censored fit may ask for, in stops. */
const FIT_MAX_STOPS = 4.5;
/** Longest tail the clipped-highlight model may assume (natural-log spread). */
const TAIL_SIGMA_MAX = 0.6;

export interface ExposureEstimate {
  /** Linear gain that puts the scene median at MIDDLE_GREY. */
  gain: number;
  /** Fraction of pixels with at least one clipped channel. */
  clipped: number;
  /** Whether the median was fitted (censored) rather than read. */
  fitted: boolean;
  /** Spread of the scene's log-luminance (natural log), from the unclipped pixels. */
  sigma: number;
  /**
   * Log-normal fitted to the upper part of the unclipped pixels, after the gain: ln L ~ N(mu, sigma^2)
   * near the clip level. It says what lies just above the clip level (a short tail: barely clipped
   * skies; a long one: lamps and sun), which a fit to the whole histogram does not.
   */
  tail: { mu: number; sigma: number };
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

const clampGain = (g: number): number => Math.min(PRE_GAIN_MAX, Math.max(PRE_GAIN_MIN, g));

/** Estimates the gain to a correct exposure from a 3-channel linear frame (any size; working resolution is plenty). */
export function estimateExposure(img: LinearImage): ExposureEstimate {
  if (img.channels !== 3) throw new RangeError(`estimateExposure takes 3-channel images, got ${img.channels}`);
  const n = img.width * img.height;
  const lum = luminance709(img);
  const d = img.data;
  let clippedCount = 0;
  let whiteCount = 0;
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const r = d[i] >= CLIP_LINEAR;
    const g = d[i + 1] >= CLIP_LINEAR;
    const b = d[i + 2] >= CLIP_LINEAR;
    if (r || g || b) clippedCount++;
    // All channels clipped: nothing is known but a lower bound; one or two: the luminance is near what it shows.
    if (r && g && b) {
      lum[p] = Infinity;
      whiteCount++;
    }
  }
  const clipped = n > 0 ? clippedCount / n : 0;
  lum.sort();
  const open = n > 0 ? 1 - whiteCount / n : 0;
  const result = (gain: number, fitted: boolean, sigma: number): ExposureEstimate => ({ gain, clipped, fitted, sigma, tail: tailModel(lum, open, gain, sigma) });
  if (open > 0.5) {
    const m = quantileSorted(lum, 0.5);
    const sigma = spread(lum, 0.25, 0.5) ?? DEFAULT_SIGMA;
    return result(m > 0 ? clampGain(MIDDLE_GREY / m) : PRE_GAIN_MAX, false, sigma);
  }
  if (open < 0.02) return result(2 ** -FIT_MAX_STOPS * 2, true, DEFAULT_SIGMA);
  // Censored median: fit ln L ~ N(mu, sigma) to two quantiles inside the unclipped part. With little
  // left unclipped the measured spread is mostly the shadows' tail, so it is pulled to the prior.
  const q1 = open * 0.9;
  const q2 = open * 0.4;
  const v1 = quantileSorted(lum, q1);
  const measured = spread(lum, q2, q1) ?? DEFAULT_SIGMA;
  const trust = Math.min(1, open / 0.3);
  const sigma = Math.min(2, Math.max(0.5, DEFAULT_SIGMA + trust * (measured - DEFAULT_SIGMA)));
  if (!(v1 > 0)) return result(2 ** -FIT_MAX_STOPS * 2, true, sigma);
  const mu = Math.log(v1) - sigma * normalQuantile(q1);
  // The median is clipped, so the scene median sits at or above the clip level in this frame: the
  // gain is at most 0.18 / CLIP_LINEAR. Past FIT_MAX_STOPS the extrapolation is not trusted.
  const stops = Math.min(Math.log2(MIDDLE_GREY / CLIP_LINEAR), Math.max(-FIT_MAX_STOPS, Math.log2(MIDDLE_GREY) - mu / Math.LN2));
  return result(clampGain(2 ** stops), true, sigma);
}

/** The log-normal through two quantiles in the top of the unclipped pixels (the whole-scene model where too few are unclipped), after the gain. */
function tailModel(sorted: Float32Array, open: number, gain: number, sigma: number): { mu: number; sigma: number } {
  const whole = { mu: Math.log(MIDDLE_GREY), sigma };
  if (open < 0.1) return whole;
  const qa = open * 0.7;
  const qb = open * 0.98;
  const vb = quantileSorted(sorted, qb);
  const s = spread(sorted, qa, qb, 0.3, TAIL_SIGMA_MAX);
  if (s === null || !(vb > 0)) return whole;
  return { mu: Math.log(vb * gain) - s * normalQuantile(qb), sigma: s };
}

/** sigma of a log-normal through the quantiles lo < hi of sorted luminance, clamped to a plausible range; null if unusable. */
function spread(sorted: Float32Array, lo: number, hi: number, min = 0.4, max = 2.5): number | null {
  const a = quantileSorted(sorted, lo);
  const b = quantileSorted(sorted, hi);
  if (!(a > 0) || !(b > a) || !Number.isFinite(b)) return null;
  const s = (Math.log(b) - Math.log(a)) / (normalQuantile(hi) - normalQuantile(lo));
  return Math.min(max, Math.max(min, s));
}

/**
 * The display value with the least squared error on the sRGB codes, decode(E[encode(min(L, 1))]),
 * and the log-mean exp(E[ln L]) of the scene luminance above t, for ln L ~ N(mu, sigma^2): what a
 * clipped pixel most likely held once the gain is applied.
 */
export function clippedExpectation(t: number, model: { mu: number; sigma: number }): { display: number; radiance: number } {
  const { mu, sigma } = model;
  const z0 = (Math.log(Math.max(t, 1e-9)) - mu) / sigma;
  let w = 0;
  let disp = 0;
  let logSum = 0;
  // Integrate the normal tail above z0 numerically (fine steps; cheap, called once per frame).
  const step = 0.01;
  for (let z = Math.max(z0, -8); z < 8; z += step) {
    const pdf = Math.exp(-0.5 * z * z);
    const l = Math.exp(mu + sigma * z);
    w += pdf;
    disp += pdf * linearToSrgb(Math.min(l, 1));
    logSum += pdf * (mu + sigma * z);
  }
  if (w === 0) return { display: Math.min(1, t), radiance: t };
  return { display: Math.max(Math.min(1, t), srgbToLinear(disp / w)), radiance: Math.max(t, Math.exp(logSum / w)) };
}
