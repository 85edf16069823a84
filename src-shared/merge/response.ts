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
  /**
   * How the channels' relative scale was set (balanceChannels): 'mid-tones' where their curves share
   * a shape (a camera), 'white' where they do not; absent for a response not fitted here.
   */
  balance?: 'mid-tones' | 'white';
  /** RMS difference in stops between the channels' curve shapes over the mid range (balanceChannels); absent where no level was read in every channel. */
  shapeSpread?: number;
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

/** Stops between the darkest and brightest frame below which no response is fitted. */
const MIN_EV_SPREAD = 0.25;

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

/** Readings per level of channel c over the samples: every sample contributes one count per frame it is unclipped in. */
function levelCounts(samples: ResponseSamples, c: number, levels: number): Float64Array {
  const counts = new Float64Array(levels);
  for (let i = 0; i < samples.count * samples.frames; i++) {
    const z = samples.levels[i * 3 + c];
    if (z >= 0) counts[Math.round(z)]++;
  }
  return counts;
}

function channelCurve(
  samples: ResponseSamples,
  c: number,
  counts: Float64Array,
  ev: readonly number[],
  levels: number,
  method: ResponseMethod,
  lambda: number,
  robustRounds: number,
): Float64Array {
  const evMax = Math.max(...ev);
  const times = ev.map((e) => 2 ** (e - evMax));
  const dl = Math.min(levels, 256);
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

/** Encoded range (fractions of the top level) over which the channels' curves are compared: above the toe's noise, below the shoulder's clip. */
const BALANCE_LOW = 0.08;
const BALANCE_HIGH = 0.92;
/**
 * Stops (RMS over the compared range) by which the balanced curves may still differ in shape and be
 * taken for one camera curve: past it the channels have curves of their own, and white stays their
 * meeting point. Measured (bench/radiance-colour.ts, bench/radiance-quality.ts): real camera brackets
 * of ../shared 0.026-0.103 (full size and shrunk to 400 px); synthetic brackets through one curve 0.002-0.017; through gammas 1.9/2.2/2.5
 * per channel 0.136-0.207. Between the two.
 */
const SHARED_SHAPE_STOPS = 0.115;
/** Rec. 709 luminance weights. */
const LUMA = [0.2126, 0.7152, 0.0722];

/**
 * The channels' relative scale. Each channel's fit fixes its curve's shape but not its scale (every
 * sample's exposure is a free unknown per channel), so the colour balance of a merge comes from
 * this choice alone. finishCurve makes the channels meet at white; that rests on the one level just
 * below clip, which a JPEG's ringing and its gamut clipping bend (frames near clip in one channel read
 * 250-254 where the scene was far brighter), and tinted whole merges by up to a stop. A camera puts one
 * tone curve on every channel after white balance, so where the fitted curves share a shape, their
 * scales are set to make them as alike as possible over the range every channel was read in (least
 * squares in log, weighted by the fewest readings of any channel at each level): a grey surface stays
 * grey. Where they do not share a shape (over SHARED_SHAPE_STOPS apart), the curves are the camera's
 * own per channel, and white, where they must meet, stays the anchor. The channels' scales are moved
 * about their luminance-weighted mean (in log), so the map's overall level barely moves.
 */
export function balanceChannels(curves: CameraResponse['curves'], counts: Float64Array[]): { curves: CameraResponse['curves']; spread: number; balanced: boolean } {
  const top = curves[0].length - 1;
  const lo = Math.ceil(BALANCE_LOW * top);
  const hi = Math.floor(BALANCE_HIGH * top);
  let sumW = 0;
  const offset = [0, 0, 0];
  for (let z = lo; z <= hi; z++) {
    const w = Math.min(counts[0][z], counts[1][z], counts[2][z]);
    if (!(w > 0)) continue;
    sumW += w;
    for (let c = 0; c < 3; c++) offset[c] += w * Math.log2(curves[c][z]);
  }
  if (!(sumW > 0)) return { curves, spread: NaN, balanced: false };
  for (let c = 0; c < 3; c++) offset[c] /= sumW;
  // The overall level stays where white anchoring put it, weighted as luminance is (green's most).
  const mean = LUMA[0] * offset[0] + LUMA[1] * offset[1] + LUMA[2] * offset[2];
  let sq = 0;
  for (let z = lo; z <= hi; z++) {
    const w = Math.min(counts[0][z], counts[1][z], counts[2][z]);
    if (!(w > 0)) continue;
    const d = [0, 1, 2].map((c) => Math.log2(curves[c][z]) - offset[c]);
    const m = (d[0] + d[1] + d[2]) / 3;
    for (let c = 0; c < 3; c++) sq += w * (d[c] - m) ** 2;
  }
  const spread = Math.sqrt(sq / (3 * sumW));
  if (!(spread <= SHARED_SHAPE_STOPS)) return { curves, spread, balanced: false };
  const balanced = curves.map((k, c) => {
    const scale = 2 ** (mean - offset[c]);
    return Float64Array.from(k, (v) => v * scale);
  }) as CameraResponse['curves'];
  return { curves: balanced, spread, balanced: true };
}

/**
 * Recovers the response from the frames it applies to (responseApplies), given each frame's ev.
 * null when fewer than two such frames share one bit depth.
 */
export function recoverResponse(frames: LinearImage[], ev: readonly number[], opts: ResponseOptions = {}): CameraResponse | null {
  if (ev.length !== frames.length) throw new RangeError(`${ev.length} exposures for ${frames.length} frames`);
  const use = frames.map((f, i) => i).filter((i) => responseApplies(frames[i]) && Number.isFinite(ev[i]));
  if (use.length < 2) return null;
  // Frames of one exposure say nothing about the curve (every level reads the same exposure in each): the fit would
  // come out flat, and a merge read through it all one grey.
  if (Math.max(...use.map((i) => ev[i])) - Math.min(...use.map((i) => ev[i])) < MIN_EV_SPREAD) return null;
  const levels = responseLevels(frames[use[0]].meta.sourceBits);
  if (use.some((i) => responseLevels(frames[i].meta.sourceBits) !== levels)) return null;
  const method = opts.method ?? 'debevec';
  const samples = selectSamples(use.map((i) => frames[i]), levels, opts.maxSamples ?? 40_000);
  const useEv = use.map((i) => ev[i]);
  const lambda = opts.lambda ?? 150;
  const counts = [0, 1, 2].map((c) => levelCounts(samples, c, levels));
  const fitted = [0, 1, 2].map((c) => channelCurve(samples, c, counts[c], useEv, levels, method, lambda, opts.robustRounds ?? 0)) as CameraResponse['curves'];
  const { curves, balanced, spread } = balanceChannels(fitted, counts);
  const noise = LEVEL_NOISE_8 * ((levels - 1) / 255);
  const variance = curves.map((k) => levelVariance(k, noise, SHOT_NOISE, READ_NOISE)) as CameraResponse['variance'];
  return { levels, curves, variance, method, samples: samples.count, balance: balanced ? 'mid-tones' : 'white', ...(Number.isFinite(spread) ? { shapeSpread: spread } : {}) };
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
  /** How the channels' scales were set, and how far apart their shapes are (CameraResponse). */
  balance?: 'mid-tones' | 'white';
  shapeSpread?: number;
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
  const balance = r.balance ? { balance: r.balance, ...(r.shapeSpread !== undefined ? { shapeSpread: round(r.shapeSpread) } : {}) } : {};
  return { method: r.method, levels: r.levels, samples: r.samples, contrast, maxStopsFromSrgb, ...balance };
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
