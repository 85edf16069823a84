/**
 * SSIM (Wang, Bovik, Sheikh, Simoncelli, "Image Quality Assessment: From Error Visibility to
 * Structural Similarity", IEEE TIP 2004), as the authors' ssim_index.m computes it: an 11x11
 * Gaussian window (sigma 1.5), K1 0.01, K2 0.03, L 255, the mean of the map over every window
 * inside the image, no downsampling. Colour images are scored on their grey (Rec.601 luma
 * rounded to whole numbers, as MATLAB's rgb2gray gives on uint8), the usual way of applying it.
 */
import { gaussianWindow1d } from './gaussian-window';
import { greyFromImage8, type Image8 } from './grey';
import { createFilterScratch, filterValid } from './window-filter';

export const SSIM_WINDOW = 11;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

export interface SsimResult {
  /** Mean of the map: 1 for identical images. */
  score: number;
  /** SSIM per window position: (width - 10) x (height - 10), when asked for. */
  map?: Float64Array;
}

/**
 * SSIM of two grey planes (0..255) of width x height; the local means and (co)variances come from
 * separable Gaussian filtering of x, y, x^2, y^2 and xy.
 */
export function ssimGrey(x: Float64Array, y: Float64Array, width: number, height: number, options: { map?: boolean } = {}): SsimResult {
  if (x.length !== width * height || y.length !== width * height) throw new RangeError(`planes have ${x.length} and ${y.length} samples for ${width}x${height}`);
  if (width < SSIM_WINDOW || height < SSIM_WINDOW) throw new RangeError(`SSIM needs at least ${SSIM_WINDOW}x${SSIM_WINDOW} px, got ${width}x${height}`);
  const w = gaussianWindow1d(SSIM_WINDOW, 1.5);
  const scratch = createFilterScratch(width, height, SSIM_WINDOW);
  const n = width * height;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    xx[p] = x[p] * x[p];
    yy[p] = y[p] * y[p];
    xy[p] = x[p] * y[p];
  }
  const mx = filterValid(x, width, height, w, scratch);
  const my = filterValid(y, width, height, w, scratch);
  const sxx = filterValid(xx, width, height, w, scratch);
  const syy = filterValid(yy, width, height, w, scratch);
  const sxy = filterValid(xy, width, height, w, scratch);
  const map = options.map ? new Float64Array(mx.length) : null;
  let sum = 0;
  for (let i = 0; i < mx.length; i++) {
    const a = mx[i];
    const b = my[i];
    const vx = sxx[i] - a * a;
    const vy = syy[i] - b * b;
    const cov = sxy[i] - a * b;
    const q = ((2 * a * b + C1) * (2 * cov + C2)) / ((a * a + b * b + C1) * (vx + vy + C2));
    sum += q;
    if (map) map[i] = q;
  }
  return map ? { score: sum / mx.length, map } : { score: sum / mx.length };
}

/** SSIM of an 8-bit image against a reference of the same size, on their rgb2gray grey (see above). */
export function ssim(image: Image8, reference: Image8): number {
  if (image.width !== reference.width || image.height !== reference.height) {
    throw new RangeError(`images differ in size: ${image.width}x${image.height} and ${reference.width}x${reference.height}`);
  }
  return ssimGrey(greyFromImage8(image), greyFromImage8(reference), image.width, image.height).score;
}
