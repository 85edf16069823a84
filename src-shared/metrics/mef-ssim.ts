/**
 * MEF-SSIM (Ma, Zeng, Wang, "Perceptual Quality Assessment for Multi-Exposure Image Fusion",
 * IEEE TIP 2015): how well a fused 8-bit image keeps the structure of its 8-bit exposures, in
 * (-1, 1], 1 best. Grey images (MATLAB rgb2gray rounding), 3 scales of 2x2 mean downsampling,
 * weights 0.0448, 0.2856, 0.3001 normalised, weighted geometric mean of the per-scale means.
 * The per-window definition is in mef-ssim-scale.ts.
 */
import { downsample2x2, greyFromImage8, type Image8 } from './grey';
import { MEF_WINDOW, prepareMefScale, scoreMefScale, type MefScaleReference } from './mef-ssim-scale';

export type { Image8 } from './grey';

const SCALE_WEIGHTS = [0.0448, 0.2856, 0.3001];
/** Shortest side that still leaves an 11x11 window at the coarsest scale: 11 * 2^(3-1). */
export const MEF_MIN_SIDE = MEF_WINDOW * 2 ** (SCALE_WEIGHTS.length - 1);

export interface MefSsimResult {
  /** Weighted geometric mean of perScale. */
  score: number;
  /** Mean quality at full size, half and quarter size. */
  perScale: number[];
  /** Quality per window position at full size, when asked for: mapWidth x mapHeight (image size - 10). */
  map?: Float32Array;
  mapWidth?: number;
  mapHeight?: number;
}

export interface MefSsimOptions {
  /** Return the full-size quality map as well. */
  map?: boolean;
}

/** The exposures' side of the metric, prepared once and reused to score many fused images. */
export interface MefSsimReference {
  width: number;
  height: number;
  scales: MefScaleReference[];
}

function checkSize(width: number, height: number): void {
  if (Math.min(width, height) < MEF_MIN_SIDE) {
    throw new RangeError(`MEF-SSIM needs at least ${MEF_MIN_SIDE} px on the short side for ${SCALE_WEIGHTS.length} scales, got ${width}x${height}`);
  }
}

/** Prepares the reference from whole-number grey planes (0..255), all width x height. */
export function prepareMefSsimGrey(planes: readonly Float64Array[], width: number, height: number): MefSsimReference {
  if (planes.length === 0) throw new RangeError('MEF-SSIM needs at least one exposure');
  checkSize(width, height);
  const scales: MefScaleReference[] = [];
  let cur = planes.slice();
  let w = width;
  let h = height;
  for (let s = 0; s < SCALE_WEIGHTS.length; s++) {
    scales.push(prepareMefScale(cur, w, h));
    if (s + 1 < SCALE_WEIGHTS.length) {
      const next = cur.map((p) => downsample2x2(p, w, h));
      cur = next.map((d) => d.data);
      w = next[0].width;
      h = next[0].height;
    }
  }
  return { width, height, scales };
}

/** Scores a fused grey plane (0..255, whole numbers as rgb2gray gives) against a prepared reference. */
export function scoreMefSsimGrey(ref: MefSsimReference, fused: Float64Array, options: MefSsimOptions = {}): MefSsimResult {
  if (fused.length !== ref.width * ref.height) throw new RangeError(`fused image has ${fused.length} pixels, the exposures ${ref.width}x${ref.height}`);
  const total = SCALE_WEIGHTS.reduce((s, v) => s + v, 0);
  const perScale: number[] = [];
  let plane = fused;
  const result: MefSsimResult = { score: 0, perScale };
  ref.scales.forEach((scale, s) => {
    const { score, map } = scoreMefScale(scale, plane);
    perScale.push(score);
    if (s === 0 && options.map) {
      result.map = Float32Array.from(map);
      result.mapWidth = scale.width - MEF_WINDOW + 1;
      result.mapHeight = scale.height - MEF_WINDOW + 1;
    }
    if (s + 1 < ref.scales.length) plane = downsample2x2(plane, scale.width, scale.height).data;
  });
  // prod(Q .^ weight) as the reference computes it: a negative per-scale mean gives NaN there too.
  result.score = perScale.reduce((acc, q, s) => acc * q ** (SCALE_WEIGHTS[s] / total), 1);
  return result;
}

function sameSize(images: readonly Image8[], fused: Image8 | null): { width: number; height: number } {
  if (images.length === 0) throw new RangeError('MEF-SSIM needs at least one exposure');
  const { width, height } = images[0];
  for (const img of fused ? [...images, fused] : images) {
    if (img.width !== width || img.height !== height) throw new RangeError(`images differ in size: ${img.width}x${img.height} and ${width}x${height}`);
  }
  return { width, height };
}

/** Prepares the exposures (8-bit sRGB-encoded images of one size) for scoring fused images of that size. */
export function prepareMefSsim(exposures: readonly Image8[]): MefSsimReference {
  const { width, height } = sameSize(exposures, null);
  checkSize(width, height);
  return prepareMefSsimGrey(exposures.map(greyFromImage8), width, height);
}

/** Scores an 8-bit fused image against a prepared reference. */
export function scoreMefSsim(ref: MefSsimReference, fused: Image8, options: MefSsimOptions = {}): MefSsimResult {
  if (fused.width !== ref.width || fused.height !== ref.height) {
    throw new RangeError(`fused image is ${fused.width}x${fused.height}, the exposures ${ref.width}x${ref.height}`);
  }
  return scoreMefSsimGrey(ref, greyFromImage8(fused), options);
}

/**
 * MEF-SSIM of a fused 8-bit image against its 8-bit exposures (any order). RangeError when the
 * sizes differ or the short side is under MEF_MIN_SIDE (44 px).
 */
export function mefSsim(exposures: readonly Image8[], fused: Image8, options: MefSsimOptions = {}): MefSsimResult {
  sameSize(exposures, fused);
  return scoreMefSsim(prepareMefSsim(exposures), fused, options);
}
