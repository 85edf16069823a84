/**
 * Reinhard et al. 2002 (section 3, "automatic dodging-and-burning"): the local adaptation
 * luminance V1(x, y, s_m) of every pixel, s_m being the largest of the scales s = 1.6^i
 * (i = 0..7) whose centre-surround activity |V1(s) - V2(s)| / (2^phi a / s^2 + V1(s)) stays under
 * the threshold. The Gaussians (sigma = s / 4 for V1; V2(s) = V1(1.6 s)) are approximated by three
 * box passes on running sums, O(1) per pixel whatever the scale.
 */
import { boxFilter, createBoxScratch, type BoxScratch } from '../filters/box-filter';
import { MID_GREY } from './operators';

const SCALES = 8;
const SCALE_STEP = 1.6;
/** Scales are in pixels of an image with this longer side, so preview and export agree. */
export const REFERENCE_SIDE = 1024;

export interface AdaptationOptions {
  phi: number;
  threshold: number;
}

/**
 * lum: key-scaled luminance (mid-grey 0.18), width x height, finite (the caller clamps: a running
 * sum does not survive an Infinity); it is overwritten (it becomes the blur of the current scale).
 * Returns V1(s_m) per pixel, same units. Each scale is blurred from the previous one, adding the
 * missing variance with three box passes of the radius that keeps the total closest to (s / 4)^2.
 */
export function reinhardAdaptation(lum: Float32Array, width: number, height: number, opts: AdaptationOptions, scratch?: BoxScratch): Float32Array {
  const n = width * height;
  if (lum.length !== n) throw new RangeError(`luminance must hold ${n} samples, got ${lum.length}`);
  const pxPerRef = Math.max(width, height) / REFERENCE_SIDE;
  const box = scratch ?? createBoxScratch(width, height);
  let variance = 0;
  /** Blurs plane in place (or into out) until its variance is as close as three boxes get to sigma^2. */
  const blurTo = (sigmaRef: number, src: Float32Array, out: Float32Array): void => {
    const missing = (sigmaRef * pxPerRef) ** 2 - variance;
    const r = missing > 0 ? Math.max(0, Math.round((Math.sqrt(1 + 4 * missing) - 1) / 2)) : 0;
    variance += r * (r + 1);
    boxFilter(src, width, height, r, out, box);
    if (r > 0) {
      boxFilter(out, width, height, r, out, box);
      boxFilter(out, width, height, r, out, box);
    }
  };
  const v = new Float32Array(n);
  const done = new Uint8Array(n);
  let cur: Float32Array = lum;
  let next: Float32Array = new Float32Array(n);
  blurTo(0.25, cur, cur);
  v.set(cur);
  const phiTerm = 2 ** opts.phi * MID_GREY;
  const eps = opts.threshold;
  for (let i = 0, s = 1; i < SCALES; i++, s *= SCALE_STEP) {
    blurTo((s * SCALE_STEP) / 4, cur, next);
    const norm = phiTerm / (s * s);
    for (let p = 0; p < n; p++) {
      if (done[p]) continue;
      const activity = (cur[p] - next[p]) / (norm + cur[p]);
      if (activity < eps && activity > -eps) v[p] = cur[p];
      else done[p] = 1;
    }
    const t = cur;
    cur = next;
    next = t;
  }
  return v;
}
