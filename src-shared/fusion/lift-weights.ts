/**
 * Lifts working-resolution weight maps to full resolution: bilinear upsampling (pixel centres
 * aligned), then a guided filter per map with the full-resolution luma as the guide, so the
 * weights follow full-resolution edges; then clamped to >= 0 and renormalised to sum to 1 per
 * pixel (equal weights where every map is 0). Cost is O(K) per full-resolution pixel whatever
 * the network did.
 */
import { guidedFilterPlanes } from '../filters/guided-filter';
import { applyCoefficients, liftCoefficients, type LiftCoefficients } from '../filters/guided-lift';
import type { RowRunner } from '../parallel/row-kernels';
import { frameSamples } from '../image/samples';

export interface WeightMaps {
  /** K x paddedHeight x paddedWidth, planar; only the top-left width x height is the image. */
  data: Float32Array;
  exposures: number;
  width: number;
  height: number;
  paddedWidth: number;
  paddedHeight: number;
}

export interface LiftOptions {
  radius: number;
  eps: number;
}

/** Default guided-filter radius: twice the lift factor, at least 2 px. */
export function defaultLiftRadius(fullWidth: number, workWidth: number): number {
  return Math.max(2, Math.round((2 * fullWidth) / workWidth));
}

/** Bilinear upsampling (pixel centres aligned) of one w x h plane read from src at offset with row stride, into out (W x H). */
export function upsamplePlane(src: Float32Array, offset: number, stride: number, w: number, h: number, W: number, H: number, out: Float32Array): void {
  const fx = w / W;
  const fy = h / H;
  const x0 = new Int32Array(W);
  const tx = new Float32Array(W);
  for (let x = 0; x < W; x++) {
    const s = Math.min(w - 1, Math.max(0, (x + 0.5) * fx - 0.5));
    x0[x] = w === 1 ? 0 : Math.min(w - 2, Math.floor(s));
    tx[x] = w === 1 ? 0 : s - x0[x];
  }
  for (let y = 0; y < H; y++) {
    const s = Math.min(h - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = h === 1 ? 0 : Math.min(h - 2, Math.floor(s));
    const ty = h === 1 ? 0 : s - y0;
    const r0 = offset + y0 * stride;
    const r1 = h === 1 ? r0 : r0 + stride;
    const o = y * W;
    for (let x = 0; x < W; x++) {
      const i = x0[x];
      const t = tx[x];
      const a = src[r0 + i] + t * ((w === 1 ? src[r0 + i] : src[r0 + i + 1]) - src[r0 + i]);
      const b = src[r1 + i] + t * ((w === 1 ? src[r1 + i] : src[r1 + i + 1]) - src[r1 + i]);
      out[o + x] = a + ty * (b - a);
    }
  }
}

/** Normalises planes in place so that they are >= 0 and sum to 1 at every pixel (of samples [from, to) when given). */
export function normaliseWeights(planes: readonly Float32Array[], from = 0, to = planes[0].length): void {
  const k = planes.length;
  for (let p = from; p < to; p++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const v = planes[j][p];
      const c = v > 0 ? v : 0;
      planes[j][p] = c;
      s += c;
    }
    if (s > 0) {
      const inv = 1 / s;
      for (let j = 0; j < k; j++) planes[j][p] *= inv;
    } else {
      for (let j = 0; j < k; j++) planes[j][p] = 1 / k;
    }
  }
}

/** Full-resolution weights (one plane per exposure, each W x H) from working-resolution maps. */
export function liftWeights(maps: WeightMaps, guide: Float32Array, W: number, H: number, opts: LiftOptions): Float32Array[] {
  const { exposures: K, width: w, height: h, paddedWidth: pw, paddedHeight: ph } = maps;
  if (maps.data.length !== K * pw * ph) throw new RangeError(`weight maps hold ${maps.data.length} samples, expected ${K}x${pw}x${ph}`);
  if (guide.length !== W * H) throw new RangeError(`guide must hold ${W * H} samples, got ${guide.length}`);
  const planes: Float32Array[] = [];
  for (let k = 0; k < K; k++) {
    const plane = frameSamples(W * H);
    upsamplePlane(maps.data, k * pw * ph, pw, w, h, W, H, plane);
    planes.push(plane);
  }
  if (opts.radius > 0) guidedFilterPlanes(guide, planes, W, H, opts.radius, opts.eps, planes);
  normaliseWeights(planes);
  return planes;
}

/**
 * The fast guided filter's lift (He and Sun 2015, src-shared/filters/guided-lift.ts): each map's
 * per-window coefficients against the working-resolution guide are solved at working resolution
 * (the radius scaled down with it), upsampled bilinearly and applied to the full-resolution guide;
 * then clamped and renormalised as liftWeights does. Full-size work is one multiply-add per map.
 */
export function liftWeightsFast(maps: WeightMaps, guideLow: Float32Array, guide: Float32Array, W: number, H: number, opts: LiftOptions): Float32Array[] {
  const job = fastLiftJob(maps, guideLow, guide, W, H, opts);
  liftRows(job, 0, H);
  return job.outs;
}

/** liftWeightsFast with its full-resolution rows run by `rows` (src-main's runs them on two threads): the same samples. */
export async function liftWeightsFastRows(maps: WeightMaps, guideLow: Float32Array, guide: Float32Array, W: number, H: number, opts: LiftOptions, rows: RowRunner): Promise<Float32Array[]> {
  const job = fastLiftJob(maps, guideLow, guide, W, H, opts);
  await rows('liftRows', job, H);
  return job.outs;
}

/** What the full-resolution rows of the fast lift read and write. */
export interface LiftRowsJob {
  coeffs: LiftCoefficients[];
  w: number;
  h: number;
  guide: Float32Array;
  W: number;
  H: number;
  outs: Float32Array[];
}

/** The fast lift's box radius at working resolution (w wide) for a full-resolution radius at W wide: at least 1. */
export function lowLiftRadius(radius: number, w: number, W: number): number {
  return Math.max(1, Math.round((radius * w) / W));
}

/** The network's padded K x paddedHeight x paddedWidth maps as K unpadded width x height planes (what the fast lift solves on). */
export function lowPlanes(maps: WeightMaps): Float32Array[] {
  const { exposures: K, width: w, height: h, paddedWidth: pw, paddedHeight: ph } = maps;
  return Array.from({ length: K }, (_, k) => {
    const plane = new Float32Array(w * h);
    for (let y = 0; y < h; y++) plane.set(maps.data.subarray(k * pw * ph + y * pw, k * pw * ph + y * pw + w), y * w);
    return plane;
  });
}

function fastLiftJob(maps: WeightMaps, guideLow: Float32Array, guide: Float32Array, W: number, H: number, opts: LiftOptions): LiftRowsJob {
  const { exposures: K, width: w, height: h, paddedWidth: pw, paddedHeight: ph } = maps;
  if (maps.data.length !== K * pw * ph) throw new RangeError(`weight maps hold ${maps.data.length} samples, expected ${K}x${pw}x${ph}`);
  if (guide.length !== W * H) throw new RangeError(`guide must hold ${W * H} samples, got ${guide.length}`);
  if (guideLow.length !== w * h) throw new RangeError(`working-resolution guide must hold ${w * h} samples, got ${guideLow.length}`);
  const low = lowPlanes(maps);
  const coeffs = liftCoefficients(guideLow, low, w, h, guide, W, H, lowLiftRadius(opts.radius, w, W), opts.eps);
  return { coeffs, w, h, guide, W, H, outs: coeffs.map(() => frameSamples(W * H)) };
}

/** Rows [y0, y1) of the fast lift: the coefficients applied, then clamped and renormalised while the rows are in cache. */
export function liftRows(job: LiftRowsJob, y0: number, y1: number): void {
  const { coeffs, w, h, guide, W, H, outs } = job;
  applyCoefficients(coeffs, w, h, guide, W, H, outs, y0, y1);
  normaliseWeights(outs, y0 * W, y1 * W);
}

/** The working-resolution guide that matches learnedFuse's full-size one: the mean over frames of the input luma (unpadded). */
export function workingGuide(data: Float32Array, exposures: number, w: number, h: number, pw: number, ph: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let k = 0; k < exposures; k++) {
    for (let y = 0; y < h; y++) {
      const src = k * pw * ph + y * pw;
      for (let x = 0; x < w; x++) out[y * w + x] += data[src + x] / exposures;
    }
  }
  return out;
}
