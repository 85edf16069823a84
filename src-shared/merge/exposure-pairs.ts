/** Exposure ratios between frames from their proxies: one pair's log2 ratio, and the camera's response slope over all pairs. */
import type { ExposureProxy } from './exposure-proxy';

/** Usable blocks, as fractions of clip: above the noise and quantisation floor, below any shoulder or clipping. */
const BANDS: [number, number][] = [
  [0.02, 0.8],
  // Widely spaced brackets share few mid-tones; a wider band still beats having no measurement.
  [0.004, 0.95],
];
const MIN_SAMPLES = 64;

/** log2(bright / dark) over blocks usable in both: the interquartile mean, robust to motion and noise. */
export function pairRatio(dark: ExposureProxy, bright: ExposureProxy): number | null {
  const logs: number[] = [];
  for (const [lo, hi] of BANDS) {
    logs.length = 0;
    const loA = lo * dark.clip;
    const loB = lo * bright.clip;
    const hiA = hi * dark.clip;
    const hiB = hi * bright.clip;
    for (let i = 0; i < dark.mean.length; i++) {
      const a = dark.mean[i];
      const b = bright.mean[i];
      if (a >= loA && b >= loB && dark.max[i] <= hiA && bright.max[i] <= hiB) logs.push(Math.log2(b / a));
    }
    if (logs.length >= MIN_SAMPLES) break;
  }
  if (logs.length < MIN_SAMPLES) return null;
  logs.sort((x, y) => x - y);
  const q0 = Math.floor(logs.length / 4);
  const q1 = Math.ceil((logs.length * 3) / 4);
  let s = 0;
  for (let i = q0; i < q1; i++) s += logs[i];
  return s / (q1 - q0);
}

/**
 * Stops of pixel ratio per stop of metadata. Camera JPEGs are not plain sRGB: their tone curve
 * stretches mid-tone ratios (about 1.25x on the sample brackets), which would flag honest
 * metadata as lying. Measured as the median over pairs that broadly agree; needs 3 such pairs,
 * so one lying pair cannot set it; 1 (plain sRGB) otherwise.
 */
export function responseSlope(pixelSteps: (number | null)[], metaSteps: (number | null)[]): number {
  const r: number[] = [];
  for (let k = 0; k < pixelSteps.length; k++) {
    const p = pixelSteps[k];
    const m = metaSteps[k];
    if (p !== null && m !== null && Math.abs(m) >= 0.5) {
      const q = p / m;
      if (q >= 0.5 && q <= 2) r.push(q);
    }
  }
  if (r.length < 3) return 1;
  r.sort((x, y) => x - y);
  const mid = r.length >> 1;
  const med = r.length % 2 ? r[mid] : (r[mid - 1] + r[mid]) / 2;
  return Math.min(1.5, Math.max(0.75, med));
}
