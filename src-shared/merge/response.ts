/**
 * Camera response recovery: from a bracket of tone-mapped (8/16-bit sRGB-tagged) frames with known
 * relative exposures, the inverse response per channel as a table from encoded level to relative
 * linear exposure. Camera JPEGs are not sRGB: their film-like curve, decoded as sRGB, puts frames
 * 10-30% apart; with the recovered curve they agree.
 */
import type { LinearImage } from '../image/linear-image';
import { srgbToLinear } from '../image/srgb';
import { buildUnitTable, srgbEncodeTable } from '../image/srgb-tables';
import { finishCurve, levelVariance, trust } from './response-curve';
import { solveDebevec } from './response-debevec';
import { refineRobertson } from './response-robertson';
import { levelPosition, selectSamples, type ResponseSamples } from './response-samples';

/**
 * 'debevec' (the default): Debevec-Malik least squares with a smoothness prior, over tens of
 * thousands of samples. 'robertson': Robertson's alternating estimate started from it. Debevec is
 * the more accurate on synthetic brackets through film-like curves (see response-robertson.ts).
 */
export type ResponseMethod = 'robertson' | 'debevec';

export interface CameraResponse {
  /** Table entries per channel: 256 for 8-bit sources, 1024 for 16-bit (quantised). */
  levels: number;
  /** Per channel (R, G, B): relative linear exposure at encoded level z / (levels - 1). */
  curves: [Float64Array, Float64Array, Float64Array];
  /** Variance (in exposure units) of the exposure read at each level, per channel: the merge weights by its inverse. */
  variance: [Float64Array, Float64Array, Float64Array];
  method: ResponseMethod;
  /** Sampled pixels the curves were fitted to. */
  samples: number;
}

export interface ResponseOptions {
  method?: ResponseMethod;
  /** Pixels sampled for the fit; default 40,000. */
  maxSamples?: number;
  /**
   * Debevec's smoothness weight, relative to the data per level; default 150. Strong on purpose:
   * with few frames a fixed ratio apart a ripple of the curve at that period is invisible to the
   * data (measured on bench/radiance-quality.ts: lambda 1 leaves 5-8% ripples and merges 4-6% off;
   * 100 left one of 40 cases at 2.15% (moonless_golf, filmic, 3 x 2 EV), 150 puts all 40 under 2%
   * (worst 1.88%), 200 pushes moonless_golf gamma-s back to 2.01%).
   */
  lambda?: number;
  /**
   * Rounds of iteratively reweighted least squares after the plain fit: every reading weighted by a
   * Cauchy function of its residual against its sample's exposure, so readings of a scene that
   * changed between frames (motion, flicker a ghost mask missed) stop bending the curve; default 0.
   */
  robustRounds?: number;
}

/** Noise in levels (8-bit quantisation plus a little read noise), and shot noise at full scale. */
const LEVEL_NOISE_8 = 0.5;
const SHOT_NOISE = 2e-5;
const READ_NOISE = 4e-7;

/** Levels the response of a source of `bits` bits is tabulated at; 0 when no response applies. */
export function responseLevels(bits: number | undefined): number {
  return bits === 8 ? 256 : bits === 16 ? 1024 : 0;
}

/** True for frames decoded from a tone-mapped integer file (JPEG, PNG, 8/16-bit TIFF), whose codes a response maps. */
export function responseApplies(frame: LinearImage): boolean {
  return frame.meta.sourceTransfer === 'srgb' && responseLevels(frame.meta.sourceBits) > 0 && frame.meta.clipLevel === 1;
}

/** The curve that reproduces the decoders' sRGB linearisation, for comparisons and as a fallback. */
export function srgbCurve(levels: number): Float64Array {
  return Float64Array.from({ length: levels }, (_, z) => srgbToLinear(z / (levels - 1)));
}

/**
 * Debevec's data weight, flattened: his symmetric hat distrusts highlights as much as shadows, but
 * a highlight below clip is the best-measured reading a frame has, and the top of the curve fixes
 * each channel's scale (see finishCurve), so trust ramps down only over the last few levels.
 */
function debevecWeight(levels: number): Float64Array {
  const top = levels - 1;
  const ramp = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));
  return Float64Array.from({ length: levels }, (_, z) => ramp(z / (0.1 * top)) * ramp((top - z) / (0.03 * top)));
}

function resample(curve: Float64Array, levels: number): Float64Array {
  if (curve.length === levels) return curve;
  const r = (curve.length - 1) / (levels - 1);
  return Float64Array.from({ length: levels }, (_, z) => {
    const p = z * r;
    const i = Math.min(curve.length - 2, Math.floor(p));
    return curve[i] + (p - i) * (curve[i + 1] - curve[i]);
  });
}

function channelCurve(
  samples: ResponseSamples,
  c: number,
  ev: readonly number[],
  levels: number,
  method: ResponseMethod,
  lambda: number,
  robustRounds: number,
): Float64Array {
  const evMax = Math.max(...ev);
  const times = ev.map((e) => 2 ** (e - evMax));
  const dl = Math.min(levels, 256);
  // Counts per level for the tidy-up: every sample contributes one count per frame.
  const counts = new Float64Array(levels);
  for (let i = 0; i < samples.count * samples.frames; i++) {
    const z = samples.levels[i * 3 + c];
    if (z >= 0) counts[Math.round(z)]++;
  }
  const hat = debevecWeight(dl);
  const g = solveDebevec(samples, c, times.map(Math.log), dl, levels, Float64Array.from(hat, (h) => h * h), lambda, robustRounds);
  const start = finishCurve(resample(Float64Array.from(g, Math.exp), levels), counts);
  const noise = LEVEL_NOISE_8 * ((levels - 1) / 255);
  if (method === 'debevec') return start;
  const weight = (curve: Float64Array): Float64Array => {
    const v = levelVariance(curve, noise, SHOT_NOISE, READ_NOISE);
    return Float64Array.from(v, (x, z) => trust(z, levels, 0) / x);
  };
  return refineRobertson(samples, c, times, start, weight, finishCurve).curve;
}

/**
 * Recovers the response from the frames it applies to (responseApplies), given each frame's ev.
 * null when fewer than two such frames share one bit depth.
 */
export function recoverResponse(frames: LinearImage[], ev: readonly number[], opts: ResponseOptions = {}): CameraResponse | null {
  if (ev.length !== frames.length) throw new RangeError(`${ev.length} exposures for ${frames.length} frames`);
  const use = frames.map((f, i) => i).filter((i) => responseApplies(frames[i]) && Number.isFinite(ev[i]));
  if (use.length < 2) return null;
  const levels = responseLevels(frames[use[0]].meta.sourceBits);
  if (use.some((i) => responseLevels(frames[i].meta.sourceBits) !== levels)) return null;
  const method = opts.method ?? 'debevec';
  const samples = selectSamples(use.map((i) => frames[i]), levels, opts.maxSamples ?? 40_000);
  const useEv = use.map((i) => ev[i]);
  const lambda = opts.lambda ?? 150;
  const curves = [0, 1, 2].map((c) => channelCurve(samples, c, useEv, levels, method, lambda, opts.robustRounds ?? 0)) as CameraResponse['curves'];
  const noise = LEVEL_NOISE_8 * ((levels - 1) / 255);
  const variance = curves.map((k) => levelVariance(k, noise, SHOT_NOISE, READ_NOISE)) as CameraResponse['variance'];
  return { levels, curves, variance, method, samples: samples.count };
}

/** The curve at a fractional level, linearly interpolated. */
export function readCurve(curve: Float64Array, pos: number): number {
  const top = curve.length - 1;
  if (!(pos > 0)) return curve[0];
  if (pos >= top) return curve[top];
  const i = pos | 0;
  return curve[i] + (pos - i) * (curve[i + 1] - curve[i]);
}

export interface ResponseSummary {
  method: ResponseMethod;
  levels: number;
  samples: number;
  /**
   * Per channel, stops of exposure per stop of sRGB-decoded value over the mid-tones (1 = the file
   * is plain sRGB; camera curves are 1.1-1.4): how far the camera departs from sRGB.
   */
  contrast: [number, number, number];
  /** Per channel, the largest difference from the sRGB curve over levels 10%-90%, in stops. */
  maxStopsFromSrgb: [number, number, number];
}

export function summariseResponse(r: CameraResponse): ResponseSummary {
  const srgb = srgbCurve(r.levels);
  const lo = Math.round(0.25 * (r.levels - 1));
  const hi = Math.round(0.75 * (r.levels - 1));
  const a = Math.round(0.1 * (r.levels - 1));
  const b = Math.round(0.9 * (r.levels - 1));
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  const contrast = r.curves.map((k) => round(Math.log2(k[hi] / k[lo]) / Math.log2(srgb[hi] / srgb[lo]))) as [number, number, number];
  const maxStopsFromSrgb = r.curves.map((k) => {
    let m = 0;
    for (let z = a; z <= b; z++) m = Math.max(m, Math.abs(Math.log2(k[z] / srgb[z])));
    return round(m);
  }) as [number, number, number];
  return { method: r.method, levels: r.levels, samples: r.samples, contrast, maxStopsFromSrgb };
}

const exposureTablesOf = new WeakMap<CameraResponse, Float32Array[]>();

/**
 * Per channel, the exposure the response reads at a decoded value v (0..1), tabulated for readTable:
 * the curve at the level v encodes to, the encode table and the curve composed. One table read per
 * sample instead of two; within 0.2% of reading them in turn (largest in the deepest shadows).
 * Built once per response.
 */
export function exposureTables(response: CameraResponse): Float32Array[] {
  let tables = exposureTablesOf.get(response);
  if (!tables) {
    const enc = srgbEncodeTable();
    tables = response.curves.map((curve) => buildUnitTable((v) => readCurve(curve, levelPosition(v, response.levels, enc))));
    exposureTablesOf.set(response, tables);
  }
  return tables;
}
