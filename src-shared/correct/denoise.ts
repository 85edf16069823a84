/**
 * Noise removal for a corrected frame. Brightening an under-exposed frame by 2 to 3 stops
 * multiplies its noise by 4 to 8, which then dominates the error; a guided filter (He et al.)
 * with the frame's own luma as the guide and a regularisation tied to the measured noise level
 * smooths flat areas while edges (whose local variance is far above the noise) pass.
 *
 * The noise is measured on the sRGB-encoded display values, where the error is judged, with
 * Immerkaer's estimator (Fast noise variance estimation, CVIU 1996): the mean absolute response
 * of a Laplacian-difference mask that cancels smooth image structure.
 */
import { guidedFilterPlanes } from '../filters/guided-filter';
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbDecodeTable, srgbEncodeTable } from '../image/srgb-tables';

/** Noise standard deviation of a plane (0..1 values), Immerkaer's estimator. */
export function estimateNoise(plane: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  for (let y = 1; y < height - 1; y++) {
    const r0 = (y - 1) * width;
    const r1 = y * width;
    const r2 = (y + 1) * width;
    for (let x = 1; x < width - 1; x++) {
      const v =
        plane[r0 + x - 1] - 2 * plane[r0 + x] + plane[r0 + x + 1] -
        2 * (plane[r1 + x - 1] - 2 * plane[r1 + x] + plane[r1 + x + 1]) +
        plane[r2 + x - 1] - 2 * plane[r2 + x] + plane[r2 + x + 1];
      sum += Math.abs(v);
    }
  }
  return (Math.sqrt(Math.PI / 2) * sum) / (6 * (width - 2) * (height - 2));
}

export interface DenoiseOptions {
  /** Guided-filter radius in pixels. */
  radius?: number;
  /** eps = (strength x sigma)^2. */
  strength?: number;
  /** Below this noise level (display units) nothing is done. */
  minSigma?: number;
}

/** Denoises a 3-channel linear display image (0..1) in place; returns the measured noise (display units). */
export function denoiseDisplay(img: LinearImage, options: DenoiseOptions = {}): number {
  const { radius = 2, strength = 5, minSigma = 1 / 255 } = options;
  const { width: W, height: H } = img;
  const n = W * H;
  const enc = srgbEncodeTable();
  const dec = srgbDecodeTable();
  const read = readTable;
  const planes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const luma = new Float32Array(n);
  const d = img.data;
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const r = read(enc, d[i]);
    const g = read(enc, d[i + 1]);
    const b = read(enc, d[i + 2]);
    planes[0][p] = r;
    planes[1][p] = g;
    planes[2][p] = b;
    luma[p] = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  const sigma = Math.max(...planes.map((pl) => estimateNoise(pl, W, H)));
  if (sigma < minSigma) return sigma;
  const eps = (strength * sigma) ** 2;
  guidedFilterPlanes(luma, planes, W, H, radius, eps, planes);
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    d[i] = read(dec, planes[0][p]);
    d[i + 1] = read(dec, planes[1][p]);
    d[i + 2] = read(dec, planes[2][p]);
  }
  return sigma;
}
