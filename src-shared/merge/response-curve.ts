/** Helpers shared by the response solvers: tidy a raw curve (fill, monotone, normalise) and the trust/noise weights per level. */
import { srgbToLinear } from '../image/srgb';

const smoothstep = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

/** Levels with fewer samples than this are filled from their neighbours. */
const MIN_COUNT = 4;
/** Trust rises from black to this encoded level: below it noise and the toe of the curve dominate. */
const SHADOW_END = 0.06;

/**
 * Trust in a level before noise: 0 at clip (the top level) and rising over the first 2% from a
 * small floor at black (a black pixel in a long exposure is still evidence of a dark scene).
 */
export function trust(z: number, levels: number, blackFloor: number): number {
  const e = z / (levels - 1);
  if (z >= levels - 1) return 0;
  const shadow = blackFloor + (1 - blackFloor) * smoothstep(e / SHADOW_END);
  return shadow * smoothstep((1 - e) / 0.04);
}

/**
 * Variance, in exposure units, of the exposure read at each level: quantisation and read noise
 * in levels (the curve's slope turns them into exposure), shot noise (variance proportional to
 * exposure) and read noise (constant), with exposure 1 at clip.
 * The slope term is what makes noise-amplified shadows and a compressed shoulder count less.
 */
export function levelVariance(curve: ArrayLike<number>, levelNoise: number, shot: number, read: number): Float64Array {
  const n = curve.length;
  const v = new Float64Array(n);
  for (let z = 0; z < n; z++) {
    const lo = Math.max(0, z - 1);
    const hi = Math.min(n - 1, z + 1);
    const slope = (curve[hi] - curve[lo]) / (hi - lo);
    v[z] = slope * slope * levelNoise * levelNoise + shot * Math.max(curve[z], 0) + read + 1e-12;
  }
  return v;
}

/** Weighted isotonic (non-decreasing) regression by pooling adjacent violators. */
export function isotonic(y: Float64Array, w: Float64Array): Float64Array {
  const n = y.length;
  const val: number[] = [];
  const wt: number[] = [];
  const len: number[] = [];
  for (let i = 0; i < n; i++) {
    val.push(y[i]);
    wt.push(w[i]);
    len.push(1);
    while (val.length > 1 && val[val.length - 2] > val[val.length - 1]) {
      const b = val.length - 1;
      const ww = wt[b - 1] + wt[b];
      val[b - 1] = ww > 0 ? (val[b - 1] * wt[b - 1] + val[b] * wt[b]) / ww : (val[b - 1] + val[b]) / 2;
      wt[b - 1] = ww;
      len[b - 1] += len[b];
      val.pop();
      wt.pop();
      len.pop();
    }
  }
  const out = new Float64Array(n);
  let i = 0;
  for (let b = 0; b < val.length; b++) for (let k = 0; k < len[b]; k++) out[i++] = val[b];
  return out;
}

/**
 * Makes a raw curve (linear exposure per level, NaN where unknown) usable: levels with too few
 * samples and the clip level are filled (interpolated in log, extrapolated linearly at the ends),
 * the curve is made strictly increasing, and scaled so the last level below clip reads as sRGB
 * does: every channel's white then meets at the same exposure, as it does in a camera (white
 * balance comes before the tone curve), and values stay comparable with sRGB decoding. (The
 * response then moves the channels' scales where their curves share a shape: balanceChannels.)
 */
export function finishCurve(raw: Float64Array, counts: Float64Array): Float64Array {
  const n = raw.length;
  const known: number[] = [];
  for (let z = 0; z < n - 1; z++) if (counts[z] >= MIN_COUNT && raw[z] > 0 && Number.isFinite(raw[z])) known.push(z);
  const out = new Float64Array(n);
  if (known.length < 2) {
    for (let z = 0; z < n; z++) out[z] = srgbToLinear(z / (n - 1));
    return out;
  }
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (const z of known) {
    y[z] = raw[z];
    w[z] = counts[z];
  }
  // Monotone over the known levels first, so fills interpolate between sane values.
  const ky = isotonic(Float64Array.from(known, (z) => y[z]), Float64Array.from(known, (z) => w[z]));
  known.forEach((z, i) => (y[z] = ky[i]));
  const first = known[0];
  const last = known[known.length - 1];
  for (let k = 0; k + 1 < known.length; k++) {
    const a = known[k];
    const b = known[k + 1];
    const la = Math.log(y[a]);
    const lb = Math.log(y[b]);
    for (let z = a + 1; z < b; z++) y[z] = Math.exp(la + ((lb - la) * (z - a)) / (b - a));
  }
  // Ends: straight lines through the nearest known levels (exposure is close to linear in the level
  // near black, and the shoulder's last slope is the best guess past it).
  const span = Math.max(1, Math.min(8, last - first));
  const lowSlope = Math.max(0, (y[first + span] - y[first]) / span);
  for (let z = first - 1; z >= 0; z--) y[z] = Math.max(y[z + 1] - lowSlope, y[z + 1] * 0.5);
  const highSlope = Math.max(0, (y[last] - y[last - span]) / span);
  for (let z = last + 1; z < n; z++) y[z] = y[z - 1] + highSlope;
  for (let z = 1; z < n; z++) if (!(y[z] > y[z - 1])) y[z] = y[z - 1] * (1 + 1e-4) + 1e-9;
  const scale = srgbToLinear((n - 2) / (n - 1)) / y[n - 2];
  for (let z = 0; z < n; z++) out[z] = y[z] * scale;
  return out;
}
