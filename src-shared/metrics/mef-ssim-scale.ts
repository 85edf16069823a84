/**
 * MEF-SSIM at one scale (Ma, Zeng, Wang, IEEE TIP 2015), vectorised: every per-window quantity
 * comes from separable filtering of the exposures, their pairwise products and their products
 * with the fused image, instead of a loop over the pixels of each 11x11 window.
 *
 * Per window position (the valid region of an 11x11 window) and exposure k, with x~_k = x_k - mu_k:
 * - mu_k and the contrast c_k = ||x~_k|| + 0.001 use the plain (uniform) 11x11 patch. The paper
 *   defines c_k as the Euclidean norm of the patch, and the reference mef_ssim.m computes it with
 *   a square window (sWindow = ones(11)/121, c_k = sqrt(max(121 * box variance, 0)) + 0.001); a
 *   Gaussian-weighted variance times 121 would be a different, non-Euclidean norm, so the
 *   Gaussian window is used only where the reference uses it, in the final SSIM term. R and the
 *   norm of r below are plain norms for the same reason. The 0.001 and the eps terms below are
 *   the reference code's guards, kept because they decide the weights of flat patches.
 * - R = (||sum_k x~_k|| + eps) / (sum_k ||x~_k|| + eps), clamped into (0, 1); p = min(tan(pi/2 R), 10).
 * - Weights w_k = ((c_k / 11)^p + eps) / sum_j (...), and r = sum_k a_k x~_k with a_k = w_k / c_k.
 * - The desired patch y = r * maxEd / ||r|| (y = r = 0 when ||r|| = 0), i.e. y = sum_k b_k x~_k
 *   with b_k = a_k * s, s = max_k c_k / ||r||, and ||r||^2 = sum_jk a_j a_k <x~_j, x~_k>.
 * - Score (2 sigma_xy + C2) / (sigma_x^2 + sigma_y^2 + C2) with Gaussian-weighted (11x11, sigma 1.5)
 *   statistics: sigma_y^2 = sum_jk b_j b_k cov_G(x_j, x_k), sigma_xy = sum_k b_k cov_G(f, x_k),
 *   because the Gaussian (co)variance ignores the per-window constants mu_k.
 * Planes are shifted by -128 first (covariances do not change) so the one-pass formulas
 * E[uv] - E[u]E[v] lose less to cancellation. Box sums of the integer or dyadic grey values are
 * exact in float64, so an exactly flat patch has exactly zero contrast, as in a direct computation.
 */
import { boxWindow1d, gaussianWindow1d } from './gaussian-window';
import { createFilterScratch, filterValid } from './window-filter';

/** Side of the square window. */
export const MEF_WINDOW = 11;
const N = MEF_WINDOW * MEF_WINDOW;
/** SSIM's C2 = (K2 L)^2 with K2 = 0.03, L = 255. */
export const MEF_C2 = (0.03 * 255) ** 2;
/** Added to every contrast in the reference code, to keep flat patches from dividing by zero. */
const CONTRAST_GUARD = 0.001;
/** MATLAB's eps, used by the reference code in R and in the weights. */
const EPS = Number.EPSILON;
/** Cap on the exponent p: 10 is already close to taking the maximum contrast's structure. */
const P_MAX = 10;
const SHIFT = 128;

/** What the exposures alone decide at one scale; scoring a fused image needs only this. */
export interface MefScaleReference {
  width: number;
  height: number;
  /** Exposure planes shifted by -SHIFT, width x height. */
  planes: Float64Array[];
  /** b_k per window: the desired patch is sum_k b_k (x_k - mu_k). (width-10) x (height-10). */
  coef: Float64Array[];
  /** Gaussian-weighted mean of each shifted exposure per window. */
  mean: Float64Array[];
  /** Gaussian-weighted variance of the desired patch per window. */
  varDesired: Float64Array;
}

function shifted(plane: Float64Array): Float64Array {
  const out = new Float64Array(plane.length);
  for (let i = 0; i < plane.length; i++) out[i] = plane[i] - SHIFT;
  return out;
}

function product(a: Float64Array, b: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
  return out;
}

export function prepareMefScale(greyPlanes: readonly Float64Array[], width: number, height: number): MefScaleReference {
  const K = greyPlanes.length;
  if (K === 0) throw new RangeError('MEF-SSIM needs at least one exposure');
  const ow = width - MEF_WINDOW + 1;
  const oh = height - MEF_WINDOW + 1;
  if (ow < 1 || oh < 1) throw new RangeError(`a ${width}x${height} image is smaller than the ${MEF_WINDOW}x${MEF_WINDOW} window`);
  for (const p of greyPlanes) if (p.length !== width * height) throw new RangeError(`plane has ${p.length} samples for ${width}x${height}`);
  const M = ow * oh;
  const box = boxWindow1d(MEF_WINDOW);
  const gauss = gaussianWindow1d(MEF_WINDOW, 1.5);
  const scratch = createFilterScratch(width, height, MEF_WINDOW);
  const prod = new Float64Array(width * height);
  const tmp = new Float64Array(M);

  const planes = greyPlanes.map(shifted);
  // Box sums of each exposure (exact) and the Gaussian means.
  const boxSum = planes.map((p) => filterValid(p, width, height, box, scratch));
  const mean = planes.map((p) => filterValid(p, width, height, gauss, scratch));

  // Contrast c_k (kept in `a`, turned into a_k below), the flat-patch flags and R's denominator.
  const a: Float64Array[] = [];
  const flat: Uint8Array[] = [];
  const denominator = new Float64Array(M);
  for (let k = 0; k < K; k++) {
    const sq = filterValid(product(planes[k], planes[k], prod), width, height, box, scratch, tmp);
    const bk = boxSum[k];
    const ck = new Float64Array(M);
    const fk = new Uint8Array(M);
    for (let i = 0; i < M; i++) {
      // N * sum(x^2) - sum(x)^2 is exact, so a flat patch gives exactly 0.
      const nVar = N * sq[i] - bk[i] * bk[i];
      const norm = nVar > 0 ? Math.sqrt(nVar / N) : 0;
      fk[i] = nVar > 0 ? 0 : 1;
      denominator[i] += norm;
      ck[i] = norm + CONTRAST_GUARD;
    }
    a.push(ck);
    flat.push(fk);
  }

  // R's numerator: the norm of the centred sum of the exposures.
  const sum = new Float64Array(width * height);
  for (const p of planes) for (let i = 0; i < sum.length; i++) sum[i] += p[i];
  const sumBox = filterValid(sum, width, height, box, scratch);
  const sumSq = filterValid(product(sum, sum, prod), width, height, box, scratch);

  const maxC = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const nVar = N * sumSq[i] - sumBox[i] * sumBox[i];
    const numerator = nVar > 0 ? Math.sqrt(nVar / N) : 0;
    let R = (numerator + EPS) / (denominator[i] + EPS);
    if (R > 1) R = 1 - EPS;
    if (R < 0) R = EPS;
    const p = Math.min(Math.tan((Math.PI / 2) * R), P_MAX);
    let total = 0;
    let top = 0;
    for (let k = 0; k < K; k++) {
      const c = a[k][i];
      total += (c / MEF_WINDOW) ** p + EPS;
      if (c > top) top = c;
    }
    maxC[i] = top;
    for (let k = 0; k < K; k++) {
      const c = a[k][i];
      // A flat patch has x~_k = 0: its term in the desired patch vanishes whatever its weight.
      a[k][i] = flat[k][i] ? 0 : ((c / MEF_WINDOW) ** p + EPS) / total / c;
    }
  }

  // Pairwise terms: ||r||^2 from the box sums, sigma_y^2 (before scaling) from the Gaussian ones.
  const normR2 = new Float64Array(M);
  const varRaw = new Float64Array(M);
  const gProd = new Float64Array(M);
  for (let j = 0; j < K; j++) {
    for (let k = j; k < K; k++) {
      product(planes[j], planes[k], prod);
      const bjk = filterValid(prod, width, height, box, scratch, tmp);
      filterValid(prod, width, height, gauss, scratch, gProd);
      const m = j === k ? 1 : 2;
      const aj = a[j];
      const ak = a[k];
      const bj = boxSum[j];
      const bk = boxSum[k];
      const gj = mean[j];
      const gk = mean[k];
      for (let i = 0; i < M; i++) {
        const w = m * aj[i] * ak[i];
        if (w === 0) continue;
        normR2[i] += (w * (N * bjk[i] - bj[i] * bk[i])) / N;
        varRaw[i] += w * (gProd[i] - gj[i] * gk[i]);
      }
    }
  }

  const varDesired = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const s = normR2[i] > 0 ? maxC[i] / Math.sqrt(normR2[i]) : 0;
    for (let k = 0; k < K; k++) a[k][i] *= s;
    varDesired[i] = Math.max(0, s * s * varRaw[i]);
  }
  return { width, height, planes, coef: a, mean, varDesired };
}

/** The quality map ((width-10) x (height-10)) of a fused grey plane against a prepared scale, and its mean. */
export function scoreMefScale(ref: MefScaleReference, fusedGrey: Float64Array): { score: number; map: Float64Array } {
  const { width, height, planes, coef, mean, varDesired } = ref;
  if (fusedGrey.length !== width * height) throw new RangeError(`fused plane has ${fusedGrey.length} samples for ${width}x${height}`);
  const gauss = gaussianWindow1d(MEF_WINDOW, 1.5);
  const scratch = createFilterScratch(width, height, MEF_WINDOW);
  const f = shifted(fusedGrey);
  const prod = new Float64Array(width * height);
  const meanF = filterValid(f, width, height, gauss, scratch);
  const varF = filterValid(product(f, f, prod), width, height, gauss, scratch);
  const M = meanF.length;
  const cov = new Float64Array(M);
  const g = new Float64Array(M);
  for (let k = 0; k < planes.length; k++) {
    filterValid(product(f, planes[k], prod), width, height, gauss, scratch, g);
    const bk = coef[k];
    const mk = mean[k];
    for (let i = 0; i < M; i++) if (bk[i] !== 0) cov[i] += bk[i] * (g[i] - meanF[i] * mk[i]);
  }
  let total = 0;
  for (let i = 0; i < M; i++) {
    const vf = Math.max(0, varF[i] - meanF[i] * meanF[i]);
    const q = (2 * cov[i] + MEF_C2) / (vf + varDesired[i] + MEF_C2);
    cov[i] = q;
    total += q;
  }
  return { score: total / M, map: cov };
}
