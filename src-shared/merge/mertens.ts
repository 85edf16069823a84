/**
 * Mertens-Kautz-Van Reeth exposure fusion: per-pixel quality weights of each sRGB-encoded frame,
 * normalised, then a Laplacian-pyramid blend; the result is display-referred and returned linear.
 *
 * Full-size work is streamed by rows and fused so that each frame is read and encoded once:
 * level 0 of the blend is sum_k W_k (E_k - expand(G1_k)), and sum_k W_k E_k is accumulated while
 * the weights are computed, so only the weights and the level-1 Gaussians are kept per frame.
 */
import { BracketMismatchError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbDecodeTable } from '../image/srgb-tables';
import { blendCoarseBands, type LevelWeights } from './mertens-bands';
import { createRowScratch, weighFrame } from './mertens-frame-pass';
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

/**
 * Pass 1 over every frame, then normalisation: per-frame weights summing to 1 per pixel,
 * blend = sum_k W_k E_k, and each frame's level-1 Gaussian (none with a single level).
 */
function weighAll(frames: LinearImage[], params: MertensWeightParams, levels: number): { blend: Float32Array; weights: Float32Array[]; g1: FloatPlane[] } {
  const { width: w, height: h } = frames[0];
  const n = w * h;
  const expTable = exposednessTable(params.sigma, params.exposedness);
  const blend = new Float32Array(n * 3);
  // Sum of the raw weights: dropped when this returns, before the coarse levels are built.
  const total = new Float32Array(n);
  const weights: Float32Array[] = [];
  const g1: FloatPlane[] = [];
  const scratch = createRowScratch(w);
  for (const frame of frames) {
    const wk = new Float32Array(n);
    const reducer = levels > 1 ? new RowReducer(w, h, 3, createPlane(reducedSize(w), reducedSize(h), 3)) : null;
    weighFrame(frame, params, expTable, scratch, reducer, wk, total, blend);
    weights.push(wk);
    if (reducer) g1.push(reducer.out);
  }
  for (let p = 0; p < n; p++) {
    const inv = 1 / total[p];
    blend[p * 3] *= inv;
    blend[p * 3 + 1] *= inv;
    blend[p * 3 + 2] *= inv;
    for (let k = 0; k < weights.length; k++) weights[k][p] *= inv;
  }
  return { blend, weights, g1 };
}

export function mertensFuse(frames: LinearImage[], opts: MertensOptions = {}): LinearImage {
  return mertensFuseWeighted(frames, opts).fused;
}

/** The fusion and the full-resolution weight maps it blended with (one per frame, >= 0, summing to 1 per pixel). */
export function mertensFuseWeighted(frames: LinearImage[], opts: MertensOptions = {}): { fused: LinearImage; weights: Float32Array[] } {
  checkFrames(frames);
  const params = weightParams(opts);
  const { width: w, height: h } = frames[0];
  const levels = opts.levels ?? maxPyramidLevels(w, h);
  if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`mertens levels must be a positive integer, got ${levels}`);
  const { blend, weights, g1 } = weighAll(frames, params, levels);
  collapseWeightedBlend(blend, weights, g1, w, h, levels);
  return { fused: { width: w, height: h, channels: 3, data: blend, ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } }, weights };
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
  const dec = srgbDecodeTable();
  const read = readTable;
  const rowLen = w * 3;
  if (levels === 1) {
    for (let i = 0; i < blend.length; i++) blend[i] = read(dec, blend[i]);
  } else {
    // Levels 1..top, blended and collapsed at quarter size and below.
    const res: FloatPlane[] = [];
    for (let l = 1, lw = reducedSize(w), lh = reducedSize(h); l < levels; l++, lw = reducedSize(lw), lh = reducedSize(lh)) {
      res.push(createPlane(lw, lh, 3));
    }
    weights.forEach((wk, k) => {
      const from: LevelWeights | undefined = coarse ? { level: coarse.level, weight: coarse.weights[k] } : undefined;
      blendCoarseBands(res, g1[k], reduce({ width: w, height: h, channels: 1, data: wk }), from);
    });
    const r1 = collapse(res, true);
    // Level 0 and the final collapse in one pass: out = sum_k W_k E_k + expand(R1) - sum_k W_k expand(G1_k).
    const exR = new RowExpander(r1, w, h);
    const exG = g1.map((g) => new RowExpander(g, w, h));
    for (let y = 0; y < h; y++) {
      const up = exR.get(y);
      const o0 = y * rowLen;
      for (let i = 0; i < rowLen; i++) blend[o0 + i] += up[i];
      for (let k = 0; k < exG.length; k++) {
        const e = exG[k].get(y);
        const wk = weights[k];
        for (let x = 0, p = y * w, i = o0; x < w; x++, p++, i += 3) {
          const wv = wk[p];
          blend[i] -= wv * e[x * 3];
          blend[i + 1] -= wv * e[x * 3 + 1];
          blend[i + 2] -= wv * e[x * 3 + 2];
        }
      }
      // Clamp to the display range and back to linear light (the table read clamps) while the row is in cache.
      for (let i = o0, e = o0 + rowLen; i < e; i++) blend[i] = read(dec, blend[i]);
    }
  }
}
