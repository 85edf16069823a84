/**
 * Lifting low-resolution maps to full resolution along the full-resolution edges, as the fast
 * guided filter does (He and Sun, "Fast Guided Filter", 2015): the per-window linear coefficients
 * a, b of each map against the guide are solved at low resolution, smoothed, upsampled bilinearly,
 * and applied to the full-resolution guide: out = A * I + B. The full-resolution cost is one
 * bilinear upsampling of two planes and a multiply-add per map, whatever the radius.
 */
import { boxFilter, createBoxScratch } from './box-filter';
import { frameSamples } from '../image/samples';

/** The argument checks of guidedLift (and of its GPU twin, src-renderer/src/gpu/merge-gpu.ts). */
export function checkLiftArgs(
  guideLow: Float32Array,
  mapsLow: readonly Float32Array[],
  w: number,
  h: number,
  guideFull: Float32Array,
  W: number,
  H: number,
  radius: number,
  eps: number,
): void {
  for (const [name, v] of [['w', w], ['h', h], ['W', W], ['H', H]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const n = w * h;
  if (guideLow.length !== n) throw new RangeError(`low-resolution guide must hold ${n} samples, got ${guideLow.length}`);
  if (guideFull.length !== W * H) throw new RangeError(`full-resolution guide must hold ${W * H} samples, got ${guideFull.length}`);
  for (const m of mapsLow) if (m.length !== n) throw new RangeError(`each map must hold ${n} samples, got ${m.length}`);
  if (!(eps > 0)) throw new RangeError(`eps must be positive, got ${eps}`);
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a non-negative integer, got ${radius}`);
}

/** Per-window coefficients of each low-resolution map against the low-resolution guide, box-smoothed (He and Sun's a and b). */
export interface LiftCoefficients {
  a: Float32Array;
  b: Float32Array;
}

export function guidedLift(
  guideLow: Float32Array,
  mapsLow: readonly Float32Array[],
  w: number,
  h: number,
  guideFull: Float32Array,
  W: number,
  H: number,
  radius: number,
  eps: number,
): Float32Array[] {
  const coeffs = liftCoefficients(guideLow, mapsLow, w, h, guideFull, W, H, radius, eps);
  const outs = coeffs.map(() => frameSamples(W * H));
  applyCoefficients(coeffs, w, h, guideFull, W, H, outs, 0, H);
  return outs;
}

/** The low-resolution half of guidedLift (its arguments checked): each map's smoothed a and b. */
export function liftCoefficients(
  guideLow: Float32Array,
  mapsLow: readonly Float32Array[],
  w: number,
  h: number,
  guideFull: Float32Array,
  W: number,
  H: number,
  radius: number,
  eps: number,
): LiftCoefficients[] {
  checkLiftArgs(guideLow, mapsLow, w, h, guideFull, W, H, radius, eps);
  const n = w * h;
  const box = createBoxScratch(w, h);
  const meanI = boxFilter(guideLow, w, h, radius, undefined, box);
  const varI = boxFilter(guideLow.map((v) => v * v), w, h, radius, undefined, box);
  for (let i = 0; i < n; i++) varI[i] = Math.max(0, varI[i] - meanI[i] * meanI[i]);
  return mapsLow.map((p) => {
    const meanP = boxFilter(p, w, h, radius, undefined, box);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = guideLow[i] * p[i];
    boxFilter(a, w, h, radius, a, box);
    const b = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const ai = (a[i] - meanI[i] * meanP[i]) / (varI[i] + eps);
      a[i] = ai;
      b[i] = meanP[i] - ai * meanI[i];
    }
    boxFilter(a, w, h, radius, a, box);
    boxFilter(b, w, h, radius, b, box);
    return { a, b };
  });
}

/**
 * The full-resolution half, rows [y0, y1): outs[k] = A_k * I + B_k with A_k, B_k the bilinear upsampling
 * (pixel centres aligned) of a_k, b_k, all maps in one pass. Each row reads only the inputs, so threads
 * can share the rows of one image.
 */
export function applyCoefficients(
  coeffs: readonly LiftCoefficients[],
  w: number,
  h: number,
  guide: Float32Array,
  W: number,
  H: number,
  outs: readonly Float32Array[],
  y0: number,
  y1: number,
): void {
  const x0 = new Int32Array(W);
  const tx = new Float32Array(W);
  const fx = w / W;
  const fy = h / H;
  for (let x = 0; x < W; x++) {
    const s = Math.min(w - 1, Math.max(0, (x + 0.5) * fx - 0.5));
    x0[x] = w === 1 ? 0 : Math.min(w - 2, Math.floor(s));
    tx[x] = w === 1 ? 0 : s - x0[x];
  }
  const step = w === 1 ? 0 : 1;
  for (let y = y0; y < y1; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const ry = h === 1 ? 0 : Math.min(h - 2, Math.floor(sy));
    const ty = h === 1 ? 0 : sy - ry;
    const r0 = ry * w;
    const r1 = h === 1 ? r0 : r0 + w;
    const o = y * W;
    for (let k = 0; k < coeffs.length; k++) {
      const { a, b } = coeffs[k];
      const out = outs[k];
      for (let x = 0; x < W; x++) {
        const i0 = r0 + x0[x];
        const i1 = r1 + x0[x];
        const t = tx[x];
        const a0 = a[i0] + t * (a[i0 + step] - a[i0]);
        const a1 = a[i1] + t * (a[i1 + step] - a[i1]);
        const b0 = b[i0] + t * (b[i0 + step] - b[i0]);
        const b1 = b[i1] + t * (b[i1 + step] - b[i1]);
        out[o + x] = (a0 + ty * (a1 - a0)) * guide[o + x] + b0 + ty * (b1 - b0);
      }
    }
  }
}
