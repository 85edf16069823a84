/**
 * Detail for the finest pyramid levels of the learned blend. The network sees the frames at its working
 * resolution (1024 px at most) and its weights are lifted smoothly to full size, so where two exposures
 * both hold texture the fine bands get an average that is softer than either. Here each frame's weight
 * is multiplied by its local contrast at full resolution (Mertens' contrast measure, |Laplacian| of the
 * encoded grey; here of the luma the network is given, computed anyway for the lift's guide) and
 * renormalised: the network still decides which exposure a region comes from, and the contrast decides,
 * within that, where the fine detail is taken. The coarser levels keep the network's weights (learned-fuse.ts).
 * MEF-SSIM of the five under/over pairs 0.9882 -> 0.9911, of seven full sets 0.9748 -> 0.9782
 * (bench/fusion-options.ts; resources/models/fusion.md).
 */
import { mirror } from '../merge/mertens-frame-pass';

/** Contrast is stored as round(|Laplacian| x CONTRAST_SCALE) in 16 bits: |Laplacian| of values in 0..1 is below 4. */
export const CONTRAST_SCALE = 16384;

/**
 * Added to every contrast, about a quarter of one 8-bit code: flat areas (and 8-bit quantisation steps)
 * keep the network's weights rather than following noise. MEF-SSIM is flat from 1e-6 to 4e-3.
 */
export const DETAIL_FLOOR = 1e-3;

/** |4-neighbour Laplacian| of a w x h plane in 0..1 (reflect-101 borders, as OpenCV's and Mertens'), quantised. */
export function planeContrast(grey: Float32Array, w: number, h: number, out = new Uint16Array(w * h)): Uint16Array {
  if (grey.length !== w * h || out.length !== w * h) throw new RangeError(`contrast of ${grey.length} samples into ${out.length} for ${w}x${h}`);
  const last = w - 1;
  for (let y = 0; y < h; y++) {
    const up = mirror(y - 1, h) * w;
    const down = mirror(y + 1, h) * w;
    const mid = y * w;
    for (let x = 0; x < w; x++) {
      const xl = x > 0 ? x - 1 : last > 0 ? 1 : 0;
      const xr = x < last ? x + 1 : last > 0 ? last - 1 : 0;
      const lap = grey[up + x] + grey[down + x] + grey[mid + xl] + grey[mid + xr] - 4 * grey[mid + x];
      // Rounded; the Uint16Array store saturates at 65535 (|lap| of exactly 4).
      out[mid + x] = Math.min(65535, ((lap < 0 ? -lap : lap) * CONTRAST_SCALE + 0.5) | 0);
    }
  }
  return out;
}

/**
 * In place: W_k <- W_k (C_k + DETAIL_FLOOR) / sum_j W_j (C_j + DETAIL_FLOOR), C_k frame k's contrast
 * (planeContrast) on rows of `width` samples. Weights must be >= 0 and sum to 1 per pixel; they still do afterwards.
 */
export function addDetail(weights: Float32Array[], contrast: readonly Uint16Array[], width: number): void {
  const K = weights.length;
  const n = weights[0].length;
  if (contrast.length !== K || contrast.some((c) => c.length !== n) || weights.some((wk) => wk.length !== n) || n % width !== 0) {
    throw new RangeError(`${contrast.length} contrast planes for ${K} weight maps of ${n} samples in rows of ${width}`);
  }
  const floor = DETAIL_FLOOR * CONTRAST_SCALE;
  // Row by row, frame by frame within a row: each inner loop reads one typed array of each kind.
  const sum = new Float32Array(width);
  for (let p0 = 0; p0 < n; p0 += width) {
    sum.fill(0);
    for (let k = 0; k < K; k++) {
      const wk = weights[k];
      const ck = contrast[k];
      for (let x = 0, p = p0; x < width; x++, p++) sum[x] += wk[p] * (ck[p] + floor);
    }
    // sum >= floor since the weights sum to 1: its inverse is finite.
    for (let x = 0; x < width; x++) sum[x] = 1 / sum[x];
    for (let k = 0; k < K; k++) {
      const wk = weights[k];
      const ck = contrast[k];
      for (let x = 0, p = p0; x < width; x++, p++) wk[p] *= (ck[p] + floor) * sum[x];
    }
  }
}
