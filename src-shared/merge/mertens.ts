/**
 * Mertens-Kautz-Van Reeth exposure fusion: per-pixel quality weights of each sRGB-encoded frame,
 * normalised, then a Laplacian-pyramid blend; the result is display-referred and returned linear.
 *
 * Full-size work is streamed by rows and fused so that each frame is read and encoded once (and
 * three rows more per band of rows, mertensBandRows): level 0 of the blend is sum_k W_k (E_k - expand(G1_k)),
 * and sum_k W_k E_k is accumulated while the weights are computed, so only the weights and the level-1
 * Gaussians are kept per frame, and the weights' sum per band.
 */
import { BracketMismatchError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbDecodeTable } from '../image/srgb-tables';
import { blendCoarseBands, type LevelWeights } from './mertens-bands';
import { createRowScratch, reducedBand, weighFrame } from './mertens-frame-pass';
import { exposednessTable, type MertensWeightParams } from './mertens-weights';
import { collapse, maxPyramidLevels, reduce } from './pyramid';
import { createPlane, reducedSize, RowExpander, RowReducer, type FloatPlane } from './pyramid-rows';

export interface MertensOptions {
  /** Exponent of the contrast weight (|Laplacian| of grey); default 1. */
  contrast?: number;
  /** Exponent of the saturation weight (std over RGB); default 1. */
  saturation?: number;
  /** Exponent of the well-exposedness weight; default 1 as in the paper and enfuse (OpenCV uses 0). */
  exposedness?: number;
  /** Width of the well-exposedness Gaussian around 0.5; default 0.2. */
  sigma?: number;
  /** Pyramid levels including full size; default down to 1-2 px like OpenCV. */
  levels?: number;
}

function nonNegative(name: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`mertens ${name} must be a finite number >= 0, got ${v}`);
  return v;
}

function checkFrames(frames: LinearImage[]): void {
  if (frames.length === 0) throw new RangeError('mertensFuse needs at least one frame');
  const { width, height } = frames[0];
  for (const f of frames) {
    if (f.width !== width || f.height !== height) {
      const name = f.meta.sourceName ?? 'a frame';
      throw new BracketMismatchError(`${name} is ${f.width}x${f.height}, the bracket is ${width}x${height}`, f.meta.sourceName);
    }
    if (f.data.length !== f.width * f.height * f.channels) {
      throw new RangeError(`${f.meta.sourceName ?? 'a frame'} has ${f.data.length} samples for ${f.width}x${f.height}x${f.channels}`);
    }
  }
}

/** One channel, or three equal ones in every pixel (a grey file decoded to RGB); stops at the first coloured pixel. */
export function isGrey(f: LinearImage): boolean {
  if (f.channels === 1) return true;
  const { data, channels: ch } = f;
  for (let i = 0; i < data.length; i += ch) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  return true;
}

function weightParams(opts: MertensOptions): MertensWeightParams {
  const p = {
    contrast: nonNegative('contrast', opts.contrast ?? 1),
    saturation: nonNegative('saturation', opts.saturation ?? 1),
    exposedness: nonNegative('exposedness', opts.exposedness ?? 1),
    sigma: opts.sigma ?? 0.2,
  };
  if (!(p.sigma > 0) || !Number.isFinite(p.sigma)) throw new RangeError(`mertens sigma must be > 0, got ${p.sigma}`);
  return p;
}

/** Pass 1's results: sum_k W_k E_k (encoded), the weights, and each frame's level-1 Gaussian. */
export interface MertensPlanes {
  blend: Float32Array;
  weights: Float32Array[];
  /** Level-1 Gaussians, one per frame; empty with a single level. */
  g1: FloatPlane[];
}

/**
 * The planes pass 1 fills, allocated by `alloc` (ordinary memory, or shared for threads that split the rows);
 * `given` weights (a blend with weights from elsewhere) are used as they are.
 */
export function mertensPlanes(
  frames: number,
  w: number,
  h: number,
  levels: number,
  alloc: (n: number) => Float32Array = (n) => new Float32Array(n),
  given?: Float32Array[],
): MertensPlanes {
  const n = w * h;
  const [lw, lh] = [reducedSize(w), reducedSize(h)];
  return {
    blend: alloc(n * 3),
    weights: given ?? Array.from({ length: frames }, () => alloc(n)),
    g1: levels > 1 ? Array.from({ length: frames }, () => ({ width: lw, height: lh, channels: 3, data: alloc(lw * lh * 3) })) : [],
  };
}

/** Bands pass 1 runs in: their weight sums are the only per-pixel memory it needs beyond its outputs. */
const BANDS = 24;

/** Rows per band of an image h rows high (even, at least 16): on one thread and on two the same bands. */
export function mertensBandRows(h: number): number {
  const rows = Math.ceil(h / BANDS);
  return Math.max(16, rows + (rows & 1));
}

/**
 * Pass 1 over rows [y0, y1) of every frame, then their normalisation: weights summing to 1 per pixel,
 * blend = sum_k W_k E_k, and the level-1 Gaussians' rows of the band (reducedBand). Bands share nothing
 * they write, so two threads can fill one set of planes (src-main/compute/parallel-fusion.ts).
 */
export function weighBand(frames: readonly LinearImage[], params: MertensWeightParams, out: MertensPlanes, y0: number, y1: number): void {
  const { width: w, height: h } = frames[0];
  const expTable = exposednessTable(params.sigma, params.exposedness);
  const [r0, r1] = reducedBand(h, y0, y1);
  const scratch = createRowScratch(w);
  // The raw weights' sum over the band's rows.
  const total = new Float32Array((y1 - y0) * w);
  frames.forEach((frame, k) => {
    const reducer = out.g1.length > 0 ? new RowReducer(w, h, 3, out.g1[k], r0, r1) : null;
    weighFrame(frame, params, expTable, scratch, reducer, out.weights[k], total, out.blend, y0, y1);
  });
  const { blend, weights } = out;
  for (let p = y0 * w, t = 0, e = y1 * w; p < e; p++, t++) {
    const inv = 1 / total[t];
    blend[p * 3] *= inv;
    blend[p * 3 + 1] *= inv;
    blend[p * 3 + 2] *= inv;
    for (let k = 0; k < weights.length; k++) weights[k][p] *= inv;
  }
}

export function mertensFuse(frames: LinearImage[], opts: MertensOptions = {}): LinearImage {
  return mertensFuseWeighted(frames, opts).fused;
}

/** What a Mertens fusion of these frames with these options works with, checked: the weight parameters and the pyramid's levels. */
export function mertensSetup(frames: LinearImage[], opts: MertensOptions = {}): { params: MertensWeightParams; levels: number } {
  checkFrames(frames);
  const params = weightParams(opts);
  // Every pixel of a grey bracket has saturation 0, which would leave every weight at its epsilon: the merge
  // an average of the frames. Without colour the term says nothing, so it is left out (as enfuse does).
  if (params.saturation !== 0 && frames.every(isGrey)) params.saturation = 0;
  const levels = opts.levels ?? maxPyramidLevels(frames[0].width, frames[0].height);
  if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`mertens levels must be a positive integer, got ${levels}`);
  return { params, levels };
}

/** A fusion result: the fused image and the full-resolution weights it blended with (one per frame, >= 0, summing to 1 per pixel). */
export interface WeightedFusion {
  fused: LinearImage;
  weights: Float32Array[];
}

/** The blend (finished by levelZeroRows) as the fused image. */
export function fusedImage(blend: Float32Array, w: number, h: number): LinearImage {
  return { width: w, height: h, channels: 3, data: blend, ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } };
}

/** The fusion and the full-resolution weight maps it blended with, on this thread (src-main/compute/parallel-fusion.ts splits it over two). */
export function mertensFuseWeighted(frames: LinearImage[], opts: MertensOptions = {}): WeightedFusion {
  const { params, levels } = mertensSetup(frames, opts);
  const { width: w, height: h } = frames[0];
  const { blend, weights, g1 } = mertensPlanes(frames.length, w, h, levels);
  const rows = mertensBandRows(h);
  for (let y0 = 0; y0 < h; y0 += rows) weighBand(frames, params, { blend, weights, g1 }, y0, Math.min(h, y0 + rows));
  collapseWeightedBlend(blend, weights, g1, w, h, levels);
  return { fused: fusedImage(blend, w, h), weights };
}

/** Other weights for the coarser pyramid levels: frame k's bands from `level` up blend with weights[k], at that level's size. */
export interface CoarseWeights {
  level: number;
  weights: readonly FloatPlane[];
}

/**
 * The pyramid blend from pass 1's results, in place: blend holds sum_k W_k E_k (encoded), weights the
 * normalised W_k, g1 each frame's level-1 Gaussian. Adds levels 1..top and subtracts sum_k W_k expand(G1_k),
 * then clamps to the display range and returns blend in linear light. With coarse, frame k's bands from
 * coarse.level up are weighted by coarse.weights[k] (at that level's size) instead of the reduced W_k.
 */
export function collapseWeightedBlend(
  blend: Float32Array,
  weights: readonly Float32Array[],
  g1: readonly FloatPlane[],
  w: number,
  h: number,
  levels: number,
  coarse?: CoarseWeights,
): void {
  const r1 = levels > 1 ? coarseResult(weights, g1, w, h, levels, coarse) : null;
  levelZeroRows(blend, w, h, 0, h, { bases: { weights, g1 }, coarse: r1 });
}

/**
 * Levels 1..top of the blend, collapsed to level 1 (R1): frame k's bands weighted by its reduced W_k (or by
 * coarse.weights[k] from coarse.level up), at quarter size and below. Reads weights and g1 only; R1's
 * memory comes from `alloc` when given.
 */
export function coarseResult(
  weights: readonly Float32Array[],
  g1: readonly FloatPlane[],
  w: number,
  h: number,
  levels: number,
  coarse?: CoarseWeights,
  alloc?: (n: number) => Float32Array,
): FloatPlane {
  if (levels < 2 || g1.length !== weights.length) throw new RangeError(`a coarse result needs 2 or more levels and a level-1 Gaussian per frame`);
  const res: FloatPlane[] = [];
  for (let l = 1, lw = reducedSize(w), lh = reducedSize(h); l < levels; l++, lw = reducedSize(lw), lh = reducedSize(lh)) {
    // Level 1 becomes R1 (collapsed in place): `alloc` says where it lives.
    res.push(l === 1 && alloc ? { width: lw, height: lh, channels: 3, data: alloc(lw * lh * 3) } : createPlane(lw, lh, 3));
  }
  weights.forEach((wk, k) => {
    const from: LevelWeights | undefined = coarse ? { level: coarse.level, weight: coarse.weights[k] } : undefined;
    blendCoarseBands(res, g1[k], reduce({ width: w, height: h, channels: 1, data: wk }), from);
  });
  return collapse(res, true);
}

/** What levelZeroRows does to each row, in this order. */
export interface LevelZeroParts {
  /** Subtract sum_k W_k expand(G1_k). */
  bases?: { weights: readonly Float32Array[]; g1: readonly FloatPlane[] };
  /** Then add expand(R1) (null: a one-level blend, nothing to add) and return the row to linear light, clamped. */
  coarse?: FloatPlane | null;
}

/**
 * Level 0 and the final collapse over rows [y0, y1): out = sum_k W_k E_k - sum_k W_k expand(G1_k) + expand(R1),
 * either part alone (two threads: one subtracts while the other builds R1) or both in one pass. Rows are
 * independent, and each sample sees the same operations in the same order however the work is split.
 */
export function levelZeroRows(blend: Float32Array, w: number, h: number, y0: number, y1: number, parts: LevelZeroParts): void {
  const dec = srgbDecodeTable();
  const read = readTable;
  const rowLen = w * 3;
  const { bases, coarse } = parts;
  const exR = coarse ? new RowExpander(coarse, w, h) : null;
  const exG = bases ? bases.g1.map((g) => new RowExpander(g, w, h)) : [];
  for (let y = y0; y < y1; y++) {
    const o0 = y * rowLen;
    for (let k = 0; k < exG.length; k++) {
      const e = exG[k].get(y);
      const wk = bases!.weights[k];
      for (let x = 0, p = y * w, i = o0; x < w; x++, p++, i += 3) {
        const wv = wk[p];
        blend[i] -= wv * e[x * 3];
        blend[i + 1] -= wv * e[x * 3 + 1];
        blend[i + 2] -= wv * e[x * 3 + 2];
      }
    }
    if (coarse === undefined) continue;
    if (exR) {
      const up = exR.get(y);
      for (let i = 0; i < rowLen; i++) blend[o0 + i] += up[i];
    }
    // Clamp to the display range and back to linear light (the table read clamps) while the row is in cache.
    for (let i = o0, e = o0 + rowLen; i < e; i++) blend[i] = read(dec, blend[i]);
  }
}
