/**
 * Sub-pixel refinement by maximising the enhanced correlation coefficient (Evangelidis & Psarakis,
 * "Parametric image alignment using enhanced correlation coefficient maximization", PAMI 2008),
 * forward-additive, coarse to fine, on smoothed log2 luminance over pixels usable in both frames.
 * Log luminance turns an exposure ratio into an offset and a different tone curve into a gain; the
 * correlation coefficient ignores both, so exposure differences do not bias the estimate. Pixels
 * are reweighted (Cauchy, from the previous pass's residual) so that things that moved between the
 * frames pull less on the estimate.
 */
import type { LogLevel } from './proxy';
import { scaleAffine, type Affine } from './transform';

export type EccModel = 'translation' | 'similarity';

export interface EccResult {
  ok: boolean;
  /** Frame-pixel map from the reference grid to the moved frame (as AlignTransform.matrix). */
  matrix: Affine;
  /** Correlation coefficient at the finest level (1 = perfect up to gain and offset). */
  correlation: number;
  iterations: number;
  /** Why it stopped without a result, when ok is false. */
  reason?: string;
}

/** Solves the small symmetric positive system H x = v (Gaussian elimination with partial pivoting). */
function solve(H: number[][], v: number[]): number[] | null {
  const n = v.length;
  const a = H.map((row, i) => [...row, v[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (!(Math.abs(a[p][c]) > 1e-12)) return null;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r][n];
    for (let k = r + 1; k < n; k++) s -= a[r][k] * x[k];
    x[r] = s / a[r][r];
  }
  return x;
}

const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);

/** Cauchy scale in robust standard deviations of the residual: pixels well beyond it (moving things) hardly count. */
const CAUCHY_K = 2.385;

/** Histogram of |residual| for its median (the robust scale): 1/256 stop bins up to 4 stops. */
const ABS_BINS_PER_STOP = 256;
const ABS_BINS = 4 * ABS_BINS_PER_STOP;

function histMedian(hist: Uint32Array, count: number): number {
  let acc = 0;
  for (let b = 0; b < hist.length; b++) {
    acc += hist[b];
    if (2 * acc >= count) return (b + 0.5) / ABS_BINS_PER_STOP;
  }
  return hist.length / ABS_BINS_PER_STOP;
}

/** What the robust weights of the next pass need from the last one; carried from level to level. */
interface RobustState {
  /** The last pass's photometric fit: residual e = lambda (t - mt) - (i - mi). */
  lambda: number;
  mt: number;
  mi: number;
  /** Robust standard deviation of e (1.4826 x median |e|); 0 until measured. */
  sigma: number;
}

interface LevelState {
  /** Linear part, row-major [m00, m01, m10, m11]. */
  m: [number, number, number, number];
  /** Shift of the level's centre (level pixels). */
  tx: number;
  ty: number;
}

/** Iterates ECC on one level; returns the correlation reached, or a reason it could not. */
function refineLevel(ref: LogLevel, mov: LogLevel, model: EccModel, s: LevelState, rs: RobustState, maxIter: number, tolerance: number): { correlation: number; iterations: number; reason?: string } {
  const { width: w, height: h } = ref;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const r = Math.max(w, h) / 2;
  const K = model === 'similarity' ? 4 : 2;
  const g = new Float64Array(K);
  let correlation = NaN;
  const tv = ref.value;
  const tOk = ref.valid;
  const { value: iv, gx: igx, gy: igy, cell } = mov;
  const absHist = new Uint32Array(ABS_BINS);
  for (let it = 1; it <= maxIter; it++) {
    let count = 0;
    absHist.fill(0);
    const robust = rs.sigma > 0 && Number.isFinite(rs.lambda);
    const { lambda: pl, mt: pmt, mi: pmi } = rs;
    const k = CAUCHY_K * rs.sigma;
    let n = 0;
    let St = 0;
    let Stt = 0;
    let Si = 0;
    let Sii = 0;
    let Sti = 0;
    const Sg = new Float64Array(K);
    const Sgt = new Float64Array(K);
    const Sgi = new Float64Array(K);
    const Sgg = new Float64Array(K * K);
    const [m00, m01, m10, m11] = s.m;
    for (let y = 1; y < h - 1; y++) {
      const qy = y - cy;
      for (let x = 1; x < w - 1; x++) {
        const ti = y * w + x;
        if (!tOk[ti]) continue;
        const qx = x - cx;
        const sx = m00 * qx + m01 * qy + cx + s.tx;
        const sy = m10 * qx + m11 * qy + cy + s.ty;
        const ix = Math.floor(sx);
        const iy = Math.floor(sy);
        if (ix < 0 || iy < 0 || ix >= w - 1 || iy >= h - 1) continue;
        const c = iy * w + ix;
        if (!cell[c]) continue;
        const fx = sx - ix;
        const fy = sy - iy;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const i = w00 * iv[c] + w01 * iv[c + 1] + w10 * iv[c + w] + w11 * iv[c + w + 1];
        const dx = w00 * igx[c] + w01 * igx[c + 1] + w10 * igx[c + w] + w11 * igx[c + w + 1];
        const dy = w00 * igy[c] + w01 * igy[c + 1] + w10 * igy[c + w] + w11 * igy[c + w + 1];
        const t = tv[ti];
        let wt = 1;
        if (Number.isFinite(pl)) {
          const e = Math.abs(pl * (t - pmt) - (i - pmi));
          absHist[Math.min(ABS_BINS - 1, Math.floor(e * ABS_BINS_PER_STOP))]++;
          if (robust) wt = 1 / (1 + (e / k) ** 2);
        }
        count++;
        if (K === 4) {
          // Parameters (alpha, beta, tx, ty), linear part [[1 + alpha/r, -beta/r], [beta/r, 1 + alpha/r]] about the centre.
          g[0] = (dx * qx + dy * qy) / r;
          g[1] = (dy * qx - dx * qy) / r;
          g[2] = dx;
          g[3] = dy;
        } else {
          g[0] = dx;
          g[1] = dy;
        }
        n += wt;
        St += wt * t;
        Stt += wt * t * t;
        Si += wt * i;
        Sii += wt * i * i;
        Sti += wt * t * i;
        for (let a = 0; a < K; a++) {
          const gk = wt * g[a];
          Sg[a] += gk;
          Sgt[a] += gk * t;
          Sgi[a] += gk * i;
          for (let b = a; b < K; b++) Sgg[a * K + b] += gk * g[b];
        }
      }
    }
    if (count < 16 * K + 64) return { correlation, iterations: it, reason: `only ${count} usable pixels overlap` };
    if (Number.isFinite(pl)) rs.sigma = 1.4826 * histMedian(absHist, count);
    const mt = St / n;
    const mi = Si / n;
    const tNorm2 = Stt - n * mt * mt;
    const iNorm2 = Sii - n * mi * mi;
    const corr = Sti - n * mt * mi;
    correlation = corr / Math.sqrt(Math.max(1e-30, tNorm2 * iNorm2));
    // Zero-mean Jacobian: the derivative of the zero-mean warped image.
    const H: number[][] = [];
    const ip: number[] = [];
    const tp: number[] = [];
    for (let k = 0; k < K; k++) {
      H.push([]);
      for (let l = 0; l < K; l++) {
        const [a, b] = k <= l ? [k, l] : [l, k];
        H[k].push(Sgg[a * K + b] - (Sg[k] * Sg[l]) / n);
      }
      ip.push(Sgi[k] - (Sg[k] * Si) / n);
      tp.push(Sgt[k] - (Sg[k] * St) / n);
    }
    const hip = solve(H, ip);
    if (!hip) return { correlation, iterations: it, reason: 'no texture to align on' };
    const lambdaN = iNorm2 - dot(ip, hip);
    const lambdaD = corr - dot(tp, hip);
    if (!(lambdaD > 0)) return { correlation, iterations: it, reason: 'frames do not correlate' };
    const lambda = lambdaN / lambdaD;
    rs.lambda = lambda;
    rs.mt = mt;
    rs.mi = mi;
    const dp = solve(H, tp.map((v, k) => lambda * v - ip[k]));
    if (!dp || !dp.every(Number.isFinite)) return { correlation, iterations: it, reason: 'update is not finite' };
    let moved: number;
    if (K === 4) {
      const da = dp[0] / r;
      const db = dp[1] / r;
      s.m = [s.m[0] + da, s.m[1] - db, s.m[2] + db, s.m[3] + da];
      s.tx += dp[2];
      s.ty += dp[3];
      moved = Math.hypot(dp[2], dp[3]) + Math.hypot(dp[0], dp[1]) * 1.5;
    } else {
      s.tx += dp[0];
      s.ty += dp[1];
      moved = Math.hypot(dp[0], dp[1]);
    }
    if (moved < tolerance) return { correlation, iterations: it };
  }
  return { correlation, iterations: maxIter };
}

function toState(m: Affine, w: number, h: number): LevelState {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  return { m: [m[0], m[1], m[3], m[4]], tx: m[0] * cx + m[1] * cy + m[2] - cx, ty: m[3] * cx + m[4] * cy + m[5] - cy };
}

function fromState(s: LevelState, w: number, h: number): Affine {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const [a, b, d, e] = s.m;
  return [a, b, cx + s.tx - a * cx - b * cy, d, e, cy + s.ty - d * cx - e * cy];
}

/**
 * Refines `init` (frame-pixel map, reference grid -> moved frame) over pyramids of the reference
 * and the moved frame (finest first, same factors). A similarity model starts from init's nearest
 * similarity; a translation model keeps init's linear part and moves only the shift.
 */
export function eccRefine(ref: LogLevel[], mov: LogLevel[], model: EccModel, init: Affine): EccResult {
  const levels = Math.min(ref.length, mov.length);
  let matrix: Affine = [...init];
  if (model === 'similarity') {
    const a = (init[0] + init[4]) / 2;
    const b = (init[3] - init[1]) / 2;
    matrix = [a, -b, init[2], b, a, init[5]];
  }
  let total = 0;
  let correlation = NaN;
  const robust: RobustState = { lambda: NaN, mt: 0, mi: 0, sigma: 0 };
  for (let l = levels - 1; l >= 0; l--) {
    const R = ref[l];
    const M = mov[l];
    if (R.width !== M.width || R.height !== M.height || R.factor !== M.factor) throw new RangeError('pyramids of different sizes');
    const state = toState(scaleAffine(matrix, R.factor), R.width, R.height);
    // Coarse levels converge fully; the finest only polishes (its pixels cost the most).
    const res = refineLevel(R, M, model, state, robust, l === 0 ? 10 : 40, l === 0 ? 5e-3 : 2e-3);
    total += res.iterations;
    if (res.reason) {
      // A coarse level too small or too clipped to say anything: carry on from the finer ones.
      if (l > 0) continue;
      return { ok: false, matrix, correlation: res.correlation, iterations: total, reason: res.reason };
    }
    correlation = res.correlation;
    matrix = scaleAffine(fromState(state, R.width, R.height), 1 / R.factor);
  }
  return { ok: Number.isFinite(correlation), matrix, correlation, iterations: total };
}
