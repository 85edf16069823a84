/**
 * Classical ghost detection, the baseline the judge network has to beat. Each frame is compared with
 * the reference through intensity mapping functions learnt from the pair itself: per channel, the
 * median (and MAD) of one frame's encoded level given the other's. The mapping holds whatever the
 * exposures, metadata errors, camera curve (film-like shoulders included) and clipping are; moving
 * things are a minority and do not move a median. A sample's conflict is its distance from what the
 * other frame predicts, in noise units, both ways: where one frame is clipped or in the noise floor
 * its own prediction spreads wide and says nothing, and the other way round still can. The squared
 * conflict, capped, is averaged over a small window and thresholded; opening drops specks, closing
 * and hole filling make whole objects. Frames larger than WORK_SIDE are compared as block means.
 */
import { boxFilter } from '../filters/box-filter';
import type { LinearImage } from '../image/linear-image';
import { blockIndex, planeArea, scaledPlane, type ScaledPlane } from '../image/scaled-plane';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { linearToSrgb, srgbToLinear } from '../image/srgb';
import { isotonic } from '../merge/response-curve';
import { close, dilate, fillHoles, open } from './morphology';

export interface GhostDetectOptions {
  /** Index of the frame the others are compared with; it is never masked. */
  reference: number;
  /** Window RMS conflict, in noise standard deviations, from which a pixel is a ghost; default DEFAULT_THRESHOLD. */
  threshold?: number;
}

/** Per channel, the encoded level of one frame expected at each encoded level of another (LEVELS per channel). */
export interface LevelMap {
  median: Float32Array;
  sigma: Float32Array;
  /**
   * Per level: 0 where the level predicts a value (the median); 1 where it is clipped and says only
   * that the other frame reads at least `bound`; -1 where it is black and says only at most `bound`.
   */
  side: Int8Array;
  bound: Float32Array;
}

export interface GhostDetection {
  width: number;
  height: number;
  reference: number;
  /**
   * Per frame: 1 where its content differs from the reference's; null for the reference. At the detector's working size
   * (as found there), or at the frames' size once brush strokes are painted on it (strokes.ts applyStrokes).
   */
  frameMasks: (ScaledPlane<Uint8Array> | null)[];
  /**
   * Per frame: 0..1, how surely a pixel differs (0.5 at the threshold, before morphology), at the detector's working
   * size; null for the reference, and for every frame in the judge network's detections (judge-input.ts
   * judgeDetection), which keep only the union (`uncertainty`).
   */
  frameUncertainty: (ScaledPlane | null)[];
  /** Per frame: its encoded level expected at each of the reference's (how to paint the reference into it); null for the reference. */
  fromReference: (LevelMap | null)[];
  /** The union of the frame masks: 1 = take the reference's content. Kept as the frame masks are. */
  mask: ScaledPlane<Uint8Array>;
  /**
   * The largest frame uncertainty per pixel, kept at the detector's working size (its only reader, the app's
   * overlay, shows it at the preview's size; at the frames' size it would be 96 MB at 24 MP).
   */
  uncertainty: ScaledPlane;
  /** Fraction of pixels in the mask. */
  area: number;
}

export const DEFAULT_THRESHOLD = 1.4;
/** Frames are compared at most this many pixels on their long side (block means). */
const WORK_SIDE = 1536;
/** Levels of the mapping tables (source side) and cells of the target histograms. */
export const LEVELS = 256;
const CELLS = 512;
/** Source levels from which a reading is clipped (the radiance merge's 0.96: JPEG rolls off before 255) or black. */
const CLIP_LEVEL = Math.round(0.96 * (LEVELS - 1));
const BLACK_LEVEL = 2;
/** Quantile of the other frame's readings a clipped (black) level bounds them by from below (above). */
const BOUND_QUANTILE = 0.02;
/** A source level needs this many samples for its own median; others are interpolated. */
const MIN_COUNT = 12;
/** Smallest noise, in encoded units: an 8-bit code and a half. */
const SIGMA_FLOOR = 1.5 / 255;
/** The noise of a level is the median of its neighbours' within this many levels (one level's spread may be an object's). */
const SIGMA_SPAN = 4;
/** A sample's conflict counts at most this many noise units: an edge or hot pixel alone is not a ghost. */
const Z_CAP = 5;
/** Steps per level of the prediction tables the conflict is read from. */
const FINE = 4;
/** Half-size of the window the conflict is averaged over. */
const WINDOW = 2;
const OPEN_RADIUS = 1;
const CLOSE_RADIUS = 2;
/** Pass 1's ghosts, grown by this much, are left out of pass 2's mappings (and the judge's). */
export const EXCLUDE_RADIUS = 2;
/** Holes up to this fraction of the image inside a ghost are filled. */
const HOLE_FRACTION = 0.01;

/** A raw ghost mask made into whole objects, as every detector does it: opening drops specks, closing and hole filling join. */
export function cleanGhostMask(binary: Uint8Array, w: number, h: number): Uint8Array {
  const holes = Math.max(16, Math.round(HOLE_FRACTION * w * h));
  return fillHoles(close(open(binary, w, h, OPEN_RADIUS), w, h, CLOSE_RADIUS), w, h, holes);
}

function checkInputs(frames: LinearImage[], o: GhostDetectOptions): void {
  if (frames.length < 2) throw new RangeError(`ghost detection needs at least 2 frames, got ${frames.length}`);
  const { width, height } = frames[0];
  for (const f of frames) {
    if (f.width !== width || f.height !== height) throw new RangeError(`frames differ in size: ${f.width}x${f.height} and ${width}x${height}`);
    if (f.data.length !== f.width * f.height * f.channels) throw new RangeError(`${f.meta.sourceName ?? 'a frame'} has the wrong number of samples`);
  }
  if (!Number.isInteger(o.reference) || o.reference < 0 || o.reference >= frames.length) {
    throw new RangeError(`reference must be a frame index 0..${frames.length - 1}, got ${o.reference}`);
  }
  if (o.threshold !== undefined && !(o.threshold > 0 && Number.isFinite(o.threshold))) throw new RangeError(`threshold must be a number > 0, got ${o.threshold}`);
}

/** Full scale of a frame: its clip level, or for unbounded float frames its brightest finite sample. */
export function fullScale(f: LinearImage): number {
  const c = f.meta.clipLevel;
  if (c !== undefined && Number.isFinite(c) && c > 0) return c;
  let m = 0;
  for (const v of f.data) if (v > m && v < Infinity) m = v;
  return m > 0 ? m : 1;
}

/** sRGB-encoded level (0..1 of full scale) of the block means (factor x factor) of one frame, RGB interleaved. */
function encodedBlocks(frame: LinearImage, factor: number, ww: number, wh: number): Float32Array {
  const { width: w, channels: ch, data } = frame;
  const enc = srgbEncodeTable();
  const read = readTable;
  const inv = 1 / (fullScale(frame) * factor * factor);
  const out = new Float32Array(ww * wh * 3);
  for (let py = 0; py < wh; py++) {
    for (let px = 0; px < ww; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = py * factor; y < (py + 1) * factor; y++) {
        for (let x = px * factor, i = (y * w + x) * ch; x < (px + 1) * factor; x++, i += ch) {
          r += data[i];
          g += data[ch >= 3 ? i + 1 : i];
          b += data[ch >= 3 ? i + 2 : i];
        }
      }
      const q = (py * ww + px) * 3;
      out[q] = read(enc, r * inv);
      out[q + 1] = read(enc, g * inv);
      out[q + 2] = read(enc, b * inv);
    }
  }
  return out;
}

/** Median of the finite entries of v within span of i (NaN where none). */
function localMedian(v: Float64Array, i: number, span: number): number {
  const a: number[] = [];
  for (let j = Math.max(0, i - span); j <= Math.min(v.length - 1, i + span); j++) if (Number.isFinite(v[j])) a.push(v[j]);
  if (a.length === 0) return Number.NaN;
  a.sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
}

/**
 * The intensity mapping from frame `src` to frame `dst` (encoded levels, RGB interleaved): per
 * channel and source level, the median and MAD-scale of the destination's level, made non-decreasing
 * (isotonic, weighted by counts), interpolated over levels with too few samples; the noise smoothed
 * over neighbouring levels and floored.
 */
export function levelMap(src: Float32Array, dst: Float32Array, exclude?: Uint8Array): LevelMap {
  const hist = new Int32Array(3 * LEVELS * CELLS);
  const top = LEVELS - 1;
  for (let i = 0; i < src.length; i++) {
    if (exclude && exclude[(i / 3) | 0]) continue;
    const s = Math.round(src[i] * top);
    const d = Math.min(CELLS - 1, Math.max(0, Math.floor(dst[i] * CELLS)));
    hist[((i % 3) * LEVELS + s) * CELLS + d]++;
  }
  const median = new Float32Array(3 * LEVELS);
  const sigma = new Float32Array(3 * LEVELS);
  const side = new Int8Array(3 * LEVELS);
  const bound = new Float32Array(3 * LEVELS);
  for (let c = 0; c < 3; c++) {
    const med = new Float64Array(LEVELS).fill(Number.NaN);
    const mad = new Float64Array(LEVELS).fill(Number.NaN);
    const count = new Float64Array(LEVELS);
    // End levels without enough readings to bound anything bound nothing.
    for (let s = 0; s < LEVELS; s++) {
      if (s < CLIP_LEVEL && s > BLACK_LEVEL) continue;
      side[c * LEVELS + s] = s >= CLIP_LEVEL ? 1 : -1;
      bound[c * LEVELS + s] = s >= CLIP_LEVEL ? 0 : 1;
    }
    for (let s = 0; s < LEVELS; s++) {
      const h = hist.subarray((c * LEVELS + s) * CELLS, (c * LEVELS + s + 1) * CELLS);
      let total = 0;
      for (let x = 0; x < CELLS; x++) total += h[x];
      count[s] = total;
      if (total < MIN_COUNT) continue;
      let acc = 0;
      let m = 0;
      while (m < CELLS - 1 && acc + h[m] < total / 2) acc += h[m++];
      // Walk outwards from the median cell until half the samples are within reach: the MAD.
      let within = h[m];
      let reach = 0;
      while (within < total / 2 && reach < CELLS) {
        reach++;
        if (m - reach >= 0) within += h[m - reach];
        if (m + reach < CELLS) within += h[m + reach];
      }
      med[s] = (m + 0.5) / CELLS;
      mad[s] = (1.4826 * (reach + 0.5)) / CELLS;
      if (s >= CLIP_LEVEL || s <= BLACK_LEVEL) {
        // A clipped reading only bounds the scene from below, a black one from above.
        const q = s >= CLIP_LEVEL ? BOUND_QUANTILE : 1 - BOUND_QUANTILE;
        let cum = 0;
        let x = 0;
        while (x < CELLS - 1 && cum + h[x] < q * total) cum += h[x++];
        bound[c * LEVELS + s] = (x + 0.5) / CELLS;
      }
    }
    const known: number[] = [];
    for (let s = 0; s < LEVELS; s++) if (Number.isFinite(med[s])) known.push(s);
    if (known.length === 0) {
      // Nothing to learn from (a blank frame): identity, and noise wide enough to flag nothing alone.
      for (let s = 0; s < LEVELS; s++) {
        median[c * LEVELS + s] = s / top;
        sigma[c * LEVELS + s] = 0.25;
      }
      continue;
    }
    const mono = isotonic(Float64Array.from(known, (s) => med[s]), Float64Array.from(known, (s) => count[s]));
    // Noise from the two-sided levels only: a clipped or black level's spread is not noise.
    const inside = mad.subarray(BLACK_LEVEL + 1, CLIP_LEVEL);
    const smooth = Float64Array.from(mad, (v, s) =>
      Number.isFinite(v) ? localMedian(inside, Math.min(CLIP_LEVEL - 1, Math.max(BLACK_LEVEL + 1, s)) - BLACK_LEVEL - 1, SIGMA_SPAN) : Number.NaN,
    );
    // Where no two-sided level is near: the typical noise of the pair, or wide when there is none.
    const typical = localMedian(inside, inside.length >> 1, inside.length);
    const fallback = Number.isFinite(typical) ? Math.max(SIGMA_FLOOR, typical) : 0.25;
    for (let s = 0, k = 0; s < LEVELS; s++) {
      while (k + 1 < known.length && known[k + 1] <= s) k++;
      const a = known[k];
      const b = known[Math.min(k + 1, known.length - 1)];
      let m: number;
      let sg: number;
      if (s <= known[0] || s >= known[known.length - 1]) {
        // Beyond the levels seen: proportional in linear light (an exposure ratio), within 0..1.
        const e = s <= known[0] ? 0 : known.length - 1;
        const ratio = srgbToLinear(mono[e]) / Math.max(srgbToLinear(known[e] / top), 1e-6);
        m = linearToSrgb(Math.min(1, ratio * srgbToLinear(s / top)));
        sg = smooth[known[e]];
      } else {
        const t = b === a ? 0 : (s - a) / (b - a);
        m = mono[k] + t * (mono[Math.min(k + 1, known.length - 1)] - mono[k]);
        sg = smooth[a] + t * (smooth[b] - smooth[a]);
      }
      median[c * LEVELS + s] = m;
      sigma[c * LEVELS + s] = Number.isFinite(sg) ? Math.max(SIGMA_FLOOR, sg) : fallback;
    }
  }
  return { median, sigma, side, bound };
}

/** One frame's encoded levels and their 3 x 3 minimum and maximum per channel. */
export interface Hull {
  v: Float32Array;
  min: Float32Array;
  max: Float32Array;
}

/** 3-tap minimum (or maximum) of an interleaved RGB plane along rows (step 3) or columns (step w * 3), clipped at the borders. */
function extreme3(src: Float32Array, dst: Float32Array, w: number, h: number, horizontal: boolean, maximum: boolean): void {
  const row = w * 3;
  for (let y = 0; y < h; y++) {
    const b = y * row;
    const e = b + row;
    const up = horizontal ? 3 : y > 0 ? row : 0;
    const down = horizontal ? 3 : y < h - 1 ? row : 0;
    for (let i = b; i < e; i++) {
      const a = horizontal && i - 3 < b ? src[i] : src[i - up];
      const c = horizontal && i + 3 >= e ? src[i] : src[i + down];
      const v = src[i];
      dst[i] = maximum ? Math.max(a, v, c) : Math.min(a, v, c);
    }
  }
}

/**
 * A frame's levels with the range of its 3 x 3 neighbourhood: a reading that matches what any
 * neighbour predicts is no conflict, so edges a sub-pixel misalignment or a different sharpness moves
 * do not light up, while a moved object, wider than the window, still does.
 */
function hull(v: Float32Array, w: number, h: number): Hull {
  const tmp = new Float32Array(v.length);
  const min = new Float32Array(v.length);
  const max = new Float32Array(v.length);
  extreme3(v, tmp, w, h, true, false);
  extreme3(tmp, min, w, h, false, false);
  extreme3(v, tmp, w, h, true, true);
  extreme3(tmp, max, w, h, false, true);
  return { v, min, max };
}

/**
 * Adds, per pixel, the squared and capped distance (in noise units) of each target sample from what
 * the source's neighbourhood predicts: an interval from the lowest to the highest neighbour's
 * prediction (the mapping is monotone, so the darkest and brightest neighbours bound it), half-open
 * where a neighbour is clipped (only a lower bound) or black (only an upper bound).
 */
function accumulate(map: LevelMap, src: Hull, target: Float32Array, sum: Float32Array): void {
  const { median, side, bound } = map;
  const sg = map.sigma;
  const top = LEVELS - 1;
  const cap = Z_CAP * Z_CAP;
  // Per channel, the low and high ends of the prediction and the noise, tabulated at a quarter level.
  const fine = top * FINE + 1;
  const low = new Float32Array(3 * fine);
  const high = new Float32Array(3 * fine);
  const noise = new Float32Array(3 * fine);
  for (let c = 0; c < 3; c++) {
    for (let q = 0; q < fine; q++) {
      const pos = q / FINE;
      const j = pos >= top ? top - 1 : pos | 0;
      const t = pos - j;
      const o = c * LEVELS + j;
      const near = t < 0.5 ? o : o + 1;
      const sd = side[near];
      const m = median[o] + t * (median[o + 1] - median[o]);
      low[c * fine + q] = sd === 0 ? m : sd > 0 ? bound[near] : -Infinity;
      high[c * fine + q] = sd === 0 ? m : sd > 0 ? Infinity : bound[near];
      noise[c * fine + q] = sg[o] + t * (sg[o + 1] - sg[o]);
    }
  }
  const scale = fine - 1;
  for (let p = 0, i = 0; p < sum.length; p++) {
    let s = 0;
    for (let c = 0; c < 3; c++, i++) {
      const base = c * fine;
      const a = base + Math.round(src.min[i] * scale);
      const b = base + Math.round(src.max[i] * scale);
      const lo = low[a] < low[b] ? low[a] : low[b];
      const hi = high[a] > high[b] ? high[a] : high[b];
      const v = target[i];
      const gap = v < lo ? lo - v : v > hi ? v - hi : 0;
      if (gap === 0) continue;
      const z = gap / noise[base + Math.round(src.v[i] * scale)];
      const z2 = z * z;
      s += z2 < cap ? z2 : cap;
    }
    sum[p] += s;
  }
}

/** Per working pixel: the mean over channels and both directions of the squared, capped conflict. */
function conflict(r: Hull, k: Hull, rk: LevelMap, kr: LevelMap): Float32Array {
  const out = new Float32Array(r.v.length / 3);
  accumulate(rk, r, k.v, out);
  accumulate(kr, k, r.v, out);
  for (let p = 0; p < out.length; p++) out[p] /= 6;
  return out;
}

/**
 * What detection learns before any threshold: each frame's levels and neighbourhood ranges at working
 * resolution, and pass 1's windowed conflict with the reference (it is learnt from every pixel, so it
 * does not depend on the threshold). A threshold change redoes only pass 2 from here.
 */
export interface GhostEvidence {
  width: number;
  height: number;
  reference: number;
  /** Working resolution: blocks of factor x factor pixels, ww x wh of them. */
  factor: number;
  ww: number;
  wh: number;
  ref: Hull;
  /** Per frame: its hull and pass 1's conflict; null for the reference. */
  pairs: ({ hull: Hull; first: Float32Array } | null)[];
}

/** Pass 1 of the detection for every frame against the reference: the threshold-free part. */
export function gatherGhostEvidence(frames: LinearImage[], options: { reference: number }): GhostEvidence {
  checkInputs(frames, options);
  const { reference } = options;
  const { width: w, height: h } = frames[0];
  const factor = Math.max(1, Math.ceil(Math.max(w, h) / WORK_SIDE));
  const ww = Math.max(1, Math.floor(w / factor));
  const wh = Math.max(1, Math.floor(h / factor));
  const ref = hull(encodedBlocks(frames[reference], factor, ww, wh), ww, wh);
  const pairs = frames.map((frame, i) => {
    if (i === reference) return null;
    const k = hull(encodedBlocks(frame, factor, ww, wh), ww, wh);
    // Pass 1 learns the mappings from every pixel.
    const first = boxFilter(conflict(ref, k, levelMap(ref.v, k.v), levelMap(k.v, ref.v)), ww, wh, WINDOW);
    return { hull: k, first };
  });
  return { width: w, height: h, reference, factor, ww, wh, ref, pairs };
}

/** Pass 2 and the masks at one threshold, from gathered evidence (detectGhosts = gather + this). */
export function thresholdGhosts(evidence: GhostEvidence, threshold: number = DEFAULT_THRESHOLD): GhostDetection {
  if (!(threshold > 0 && Number.isFinite(threshold))) throw new RangeError(`threshold must be a number > 0, got ${threshold}`);
  const { width: w, height: h, reference, factor, ww, wh, ref } = evidence;
  const n = ww * wh;
  const frameMasks: (ScaledPlane<Uint8Array> | null)[] = [];
  const frameUncertainty: (ScaledPlane | null)[] = [];
  const fromReference: (LevelMap | null)[] = [];
  const mask = new Uint8Array(n);
  const uncertainty = new Float32Array(n);
  const cols = blockIndex(ww, w, factor);
  const rows = blockIndex(wh, h, factor);
  const t2 = threshold * threshold;
  for (const pair of evidence.pairs) {
    if (!pair) {
      frameMasks.push(null);
      frameUncertainty.push(null);
      fromReference.push(null);
      continue;
    }
    const { hull: k, first } = pair;
    // Pass 2 learns the mappings again without what pass 1 found, so levels only a moving object
    // covers (its own colours) do not teach the mapping that it is no ghost.
    const suspect = new Uint8Array(n);
    for (let p = 0; p < n; p++) suspect[p] = first[p] > t2 ? 1 : 0;
    const exclude = dilate(suspect, ww, wh, EXCLUDE_RADIUS);
    const rk = levelMap(ref.v, k.v, exclude);
    const energy = boxFilter(conflict(ref, k, rk, levelMap(k.v, ref.v, exclude)), ww, wh, WINDOW);
    let binary: Uint8Array = new Uint8Array(n);
    const sure = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      binary[p] = energy[p] > t2 ? 1 : 0;
      // 0.5 at the threshold, rising steeply: q / (1 + q) with q = (E / T^2)^2.
      const q = (energy[p] / t2) ** 2;
      sure[p] = q / (1 + q);
      if (sure[p] > uncertainty[p]) uncertainty[p] = sure[p];
    }
    binary = cleanGhostMask(binary, ww, wh);
    for (let p = 0; p < n; p++) mask[p] |= binary[p];
    frameMasks.push(scaledPlane(binary, ww, wh, cols, rows));
    frameUncertainty.push(scaledPlane(sure, ww, wh, cols, rows));
    fromReference.push(rk);
  }
  const union = scaledPlane(mask, ww, wh, cols, rows);
  return { width: w, height: h, reference, frameMasks, frameUncertainty, fromReference, mask: union, uncertainty: scaledPlane(uncertainty, ww, wh, cols, rows), area: planeArea(union) };
}

export function detectGhosts(frames: LinearImage[], options: GhostDetectOptions): GhostDetection {
  checkInputs(frames, options);
  return thresholdGhosts(gatherGhostEvidence(frames, options), options.threshold ?? DEFAULT_THRESHOLD);
}
