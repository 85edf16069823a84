/**
 * Debevec-Malik (SIGGRAPH 1997) inverse response of one channel: g(z) = ln(exposure at level z)
 * minimising sum w(z_ij)^2 (g(z_ij) - ln E_i - ln t_j)^2 + lambda sum w(z)^2 g''(z)^2.
 * The per-sample unknowns ln E_i are eliminated in closed form (a Schur complement), so the
 * normal equations are levels x levels whatever the number of samples, and tens of thousands of
 * samples cost no more to solve than Debevec's original fifty.
 */
import type { ResponseSamples } from './response-samples';

/** Solves the symmetric positive definite system a x = b in place (Cholesky); a is n x n row-major. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) throw new RangeError('response system is not positive definite');
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= a[i * n + k] * x[k];
    x[i] = s / a[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= a[k * n + i] * x[k];
    x[i] = s / a[i * n + i];
  }
  return x;
}

/**
 * g over `levels` levels (sample levels are rescaled to them) for channel c. precision(z) is the
 * data weight at level z, w(z)^2 in Debevec's notation (0 at black and clip; ideally the inverse
 * variance of ln exposure read there); lambda is relative to the data's total weight per level,
 * so the same value suits 50 or 50,000 samples. g at the middle level is 0.
 */
export function solveDebevec(
  samples: ResponseSamples,
  c: number,
  lnT: readonly number[],
  levels: number,
  sampleLevels: number,
  precision: Float64Array,
  lambda: number,
  robustRounds = 0,
): Float64Array {
  let rw: Float64Array | null = null;
  let g = solveWeighted(samples, c, lnT, levels, sampleLevels, precision, lambda, rw);
  for (let r = 0; r < robustRounds; r++) {
    rw = robustWeights(samples, c, lnT, levels, sampleLevels, g, rw);
    g = solveWeighted(samples, c, lnT, levels, sampleLevels, precision, lambda, rw);
  }
  return g;
}

/** Cauchy scale in robust standard deviations (95% efficiency on Gaussian residuals). */
const CAUCHY = 2.385;
/** Level bands the residual scale is measured in: noise in ln exposure grows towards black. */
const BINS = 16;

/** Cauchy weight of every reading from its residual against the sample's exposure, scaled per level band by the band's median absolute residual. */
function robustWeights(samples: ResponseSamples, c: number, lnT: readonly number[], levels: number, sampleLevels: number, g: Float64Array, prev: Float64Array | null): Float64Array {
  const frames = samples.frames;
  const rescale = (levels - 1) / (sampleLevels - 1);
  const res = new Float64Array(samples.count * frames).fill(NaN);
  const gAt = (z: number): number => {
    const i = Math.min(levels - 2, Math.floor(z));
    return g[i] + (z - i) * (g[i + 1] - g[i]);
  };
  const bin = (z: number): number => Math.min(BINS - 1, Math.floor((z / levels) * BINS));
  const byBin: number[][] = Array.from({ length: BINS }, () => []);
  for (let i = 0; i < samples.count; i++) {
    let s = 0;
    let e = 0;
    for (let j = 0; j < frames; j++) {
      const z = samples.levels[(i * frames + j) * 3 + c] * rescale;
      if (!(z >= 0)) continue;
      const w = prev ? prev[i * frames + j] : 1;
      s += w;
      e += w * (gAt(z) - lnT[j]);
    }
    if (!(s > 0)) continue;
    e /= s;
    for (let j = 0; j < frames; j++) {
      const z = samples.levels[(i * frames + j) * 3 + c] * rescale;
      if (!(z >= 0)) continue;
      const r = gAt(z) - lnT[j] - e;
      res[i * frames + j] = r;
      byBin[bin(z)].push(Math.abs(r));
    }
  }
  const scale = byBin.map((v) => {
    if (v.length === 0) return 1;
    v.sort((a, b) => a - b);
    return Math.max(1e-3, 1.4826 * v[v.length >> 1]);
  });
  const out = new Float64Array(samples.count * frames);
  for (let i = 0; i < samples.count; i++) {
    for (let j = 0; j < frames; j++) {
      const r = res[i * frames + j];
      if (!Number.isFinite(r)) continue;
      const z = samples.levels[(i * frames + j) * 3 + c] * rescale;
      const u = r / (CAUCHY * scale[bin(z)]);
      out[i * frames + j] = 1 / (1 + u * u);
    }
  }
  return out;
}

function solveWeighted(
  samples: ResponseSamples,
  c: number,
  lnT: readonly number[],
  levels: number,
  sampleLevels: number,
  precision: Float64Array,
  lambda: number,
  rw: Float64Array | null,
): Float64Array {
  const n = levels;
  const frames = samples.frames;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  // A fractional level z reads g by linear interpolation: (1 - f) g(i) + f g(i + 1).
  const lo = new Int32Array(frames);
  const fr = new Float64Array(frames);
  const wa = new Float64Array(frames);
  const rescale = (levels - 1) / (sampleLevels - 1);
  const at = (z: number): number => {
    const i = Math.min(n - 2, Math.floor(z));
    return precision[i] + (z - i) * (precision[i + 1] - precision[i]);
  };
  let total = 0;
  const add = (r: number, c: number, v: number): void => {
    a[r * n + c] += v;
  };
  for (let i = 0; i < samples.count; i++) {
    let s = 0;
    for (let j = 0; j < frames; j++) {
      const z = samples.levels[(i * frames + j) * 3 + c] * rescale;
      if (!(z >= 0)) {
        wa[j] = 0;
        continue;
      }
      lo[j] = Math.min(n - 2, Math.floor(z));
      fr[j] = z - lo[j];
      wa[j] = at(z) * (rw ? rw[i * frames + j] : 1);
      s += wa[j];
    }
    if (!(s > 0)) continue;
    // Data term of this sample, ln E_i eliminated: y^T (diag(wa) - wa wa^T / s) y with y_j = g(z_j) - lnT_j.
    let mean = 0;
    for (let j = 0; j < frames; j++) mean += wa[j] * lnT[j];
    mean /= s;
    for (let j = 0; j < frames; j++) {
      if (wa[j] === 0) continue;
      const ij = lo[j];
      const fj = fr[j];
      const rhs = wa[j] * (lnT[j] - mean);
      b[ij] += (1 - fj) * rhs;
      b[ij + 1] += fj * rhs;
      total += wa[j];
      for (let k = 0; k < frames; k++) {
        if (wa[k] === 0) continue;
        const m = (j === k ? wa[j] : 0) - (wa[j] * wa[k]) / s;
        const ik = lo[k];
        const fk = fr[k];
        add(ij, ik, (1 - fj) * (1 - fk) * m);
        add(ij, ik + 1, (1 - fj) * fk * m);
        add(ij + 1, ik, fj * (1 - fk) * m);
        add(ij + 1, ik + 1, fj * fk * m);
      }
    }
  }
  // Smoothness, uniform over levels and scaled to the data so lambda means the same for any sample
  // count. It is needed: with exposures a fixed ratio apart, a ripple of g with that period in
  // log exposure fits every pair of frames equally well, and only the prior rules it out.
  const mu = (lambda * Math.max(total, 1)) / n;
  for (let zc = 1; zc < n - 1; zc++) {
    const k = mu;
    const idx = [zc - 1, zc, zc + 1];
    const coef = [1, -2, 1];
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) a[idx[p] * n + idx[q]] += k * coef[p] * coef[q];
  }
  // The data and smoothness terms do not change when g shifts by a constant: pinning g(mid) = 0
  // with any positive weight fixes the shift without biasing the shape.
  const mid = n >> 1;
  a[mid * n + mid] += Math.max(total, 1) / n;
  return solveSpd(a, b, n);
}
