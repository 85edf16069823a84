/** How well a radiance map explains its frames: per frame, the median relative error of value / 2^ev against the map over well-exposed pixels. */
import type { LinearImage } from '../image/linear-image';
import { responseOfMerge } from './radiance-response';
import { srgbEncodeTable } from '../image/srgb-tables';
import { readCurve, responseApplies, type CameraResponse } from './response';
import { levelPosition } from './response-samples';

/** Pixels checked per frame at most: a regular subsample keeps 24 MP frames fast and the median stable. */
const MAX_SAMPLES = 200_000;
/** Well exposed: every channel above 2% and below 80% of the clip level. */
const LOW = 0.02;
const HIGH = 0.8;

/**
 * Median over the frame's well-exposed pixels of |sum_c(v_c) / 2^ev - sum_c(M_c)| / sum_c(M_c).
 * NaN for a frame with no well-exposed pixel. Frames without a clip level use their brightest value.
 * Frames are read through the camera response the map was merged with (given, or remembered by
 * mergeRadiance), so a film-like camera curve does not show up as disagreement.
 */
export function radianceConsistency(frames: LinearImage[], ev: number[], merged: LinearImage, response?: CameraResponse | null): number[] {
  if (ev.length !== frames.length) throw new RangeError(`${ev.length} exposures for ${frames.length} frames`);
  const through = response === undefined ? responseOfMerge(merged) : response;
  const n = merged.width * merged.height;
  if (merged.channels < 3) throw new RangeError('the radiance map must have 3 channels');
  const step = Math.max(1, Math.floor(n / MAX_SAMPLES));
  const errors = new Float64Array(Math.ceil(n / step));
  const enc = srgbEncodeTable();
  return frames.map((f, k) => {
    // Only the sampled pixels are read through the response (a linearised copy of a 24 MP frame cost seconds).
    const curves = through && responseApplies(f) ? through.curves : null;
    const levels = through?.levels ?? 0;
    const read = (v: number, c: number): number => (curves ? Math.fround(readCurve(curves[c], levelPosition(v, levels, enc))) : v);
    if (f.width !== merged.width || f.height !== merged.height) throw new RangeError(`${f.meta.sourceName ?? 'a frame'} does not match the radiance map's size`);
    let clip = f.meta.clipLevel ?? Infinity;
    if (!(Number.isFinite(clip) && clip > 0)) clip = f.data.reduce((a, v) => (v > a ? v : a), 0) || 1;
    const lo = LOW * clip;
    const hi = HIGH * clip;
    const s = 2 ** -ev[k];
    const ch = f.channels;
    const mc = merged.channels;
    const d = f.data;
    const md = merged.data;
    let count = 0;
    for (let p = 0; p < n; p += step) {
      const i = p * ch;
      const r = read(d[i], 0);
      const g = ch >= 3 ? read(d[i + 1], 1) : r;
      const b = ch >= 3 ? read(d[i + 2], 2) : r;
      if (Math.min(r, g, b) < lo || Math.max(r, g, b) > hi) continue;
      const j = p * mc;
      const want = md[j] + md[j + 1] + md[j + 2];
      if (!(want > 0)) continue;
      errors[count++] = Math.abs((r + g + b) * s - want) / want;
    }
    if (count === 0) return NaN;
    const e = errors.subarray(0, count).sort();
    return count % 2 ? e[count >> 1] : (e[(count >> 1) - 1] + e[count >> 1]) / 2;
  });
}
