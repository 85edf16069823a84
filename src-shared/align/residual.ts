/**
 * How badly two frames disagree under a transform, in a unit that ignores their exposure difference:
 * the mean absolute difference (stops) of smoothed log2 luminance over pixels usable in both,
 * after removing the median difference (the exposure ratio). Each pixel counts at most 1 stop,
 * so a moving object cannot outweigh the rest of the frame.
 */
import type { LogLevel } from './proxy';
import { scaleAffine, type Affine } from './transform';

export interface Residual {
  /** Mean absolute log2 difference after the exposure offset (stops); NaN when nothing overlaps. */
  value: number;
  /** The exposure offset removed: log2(moved / reference). */
  offsetStops: number;
  /** Pixels it was measured on. */
  pixels: number;
}

const CAP_STOPS = 1;
const MAX_MEDIAN_SAMPLES = 1 << 16;

export function residual(ref: LogLevel, mov: LogLevel, matrix: Affine): Residual {
  const { width: w, height: h } = ref;
  const m = scaleAffine(matrix, ref.factor);
  const d = new Float32Array(w * h);
  let n = 0;
  const { value: iv, cell } = mov;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ti = y * w + x;
      if (!ref.valid[ti]) continue;
      const sx = m[0] * x + m[1] * y + m[2];
      const sy = m[3] * x + m[4] * y + m[5];
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      if (ix < 0 || iy < 0 || ix >= w - 1 || iy >= h - 1) continue;
      const c = iy * w + ix;
      if (!cell[c]) continue;
      const fx = sx - ix;
      const fy = sy - iy;
      const i = (1 - fy) * ((1 - fx) * iv[c] + fx * iv[c + 1]) + fy * ((1 - fx) * iv[c + w] + fx * iv[c + w + 1]);
      d[n++] = i - ref.value[ti];
    }
  }
  if (n === 0) return { value: NaN, offsetStops: NaN, pixels: 0 };
  const step = Math.max(1, Math.floor(n / MAX_MEDIAN_SAMPLES));
  const sample = new Float32Array(Math.ceil(n / step));
  for (let i = 0, k = 0; i < n; i += step) sample[k++] = d[i];
  sample.sort();
  const offset = sample[sample.length >> 1];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.min(CAP_STOPS, Math.abs(d[i] - offset));
  return { value: sum / n, offsetStops: offset, pixels: n };
}
