/**
 * Samples for camera response recovery: the mean encoded level of every frame over small blocks
 * from a regular grid, the flattest ones in each slice of scene brightness, so that the samples
 * cover the whole range of levels and a pixel off by one between frames (misalignment, motion)
 * barely matters.
 */
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';

/** Candidate blocks on the grid at most. */
const MAX_CANDIDATES = 250_000;
/** Side of a sample block: its mean level is a reading with a quarter of one pixel's noise. */
const BLOCK = 4;
/** Brightness slices the quota is spread over. */
const SLICES = 64;

export interface ResponseSamples {
  /** Number of sampled blocks. */
  count: number;
  frames: number;
  /**
   * Mean level of block i in frame j, channel c at ((i * frames) + j) * 3 + c; NaN where any pixel
   * of the block is black or clipped in that frame and channel (its mean would be biased).
   */
  levels: Float32Array;
}

/**
 * Level (0..levels-1) of an sRGB-decoded sample: the exact inverse of the decoder's sRGB curve,
 * as a fractional position; integer for an 8-bit source read at 256 levels.
 */
export function levelPosition(v: number, levels: number, enc: Float32Array): number {
  return readTable(enc, v) * (levels - 1);
}

/**
 * Picks flat blocks spread over the scene's brightness. Averaging a flat block before fitting is
 * what keeps noise out of the curve: fitted to single noisy pixels, each level's estimate leans
 * towards where the scene's histogram has more pixels (regression to the mean), by percents.
 */
export function selectSamples(frames: LinearImage[], levels: number, maxSamples: number): ResponseSamples {
  const { width: w, height: h } = frames[0];
  const n = frames.length;
  const enc = srgbEncodeTable();
  const b = Math.min(BLOCK, w, h);
  const step = Math.max(b, Math.ceil(Math.sqrt((w * h) / MAX_CANDIDATES)));
  const gw = Math.max(1, Math.floor((w - b) / step) + 1);
  const gh = Math.max(1, Math.floor((h - b) / step) + 1);
  const cand = gw * gh;
  const mean = new Float32Array(cand * n * 3);
  const roughness = new Float32Array(cand);
  const key = new Float32Array(cand);
  const top = levels - 1;
  const area = b * b;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const k = gy * gw + gx;
      let rough = 0;
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const f = frames[j];
        const ch = f.channels;
        const d = f.data;
        let worst = 0;
        for (let c = 0; c < 3; c++) {
          const cc = ch >= 3 ? c : 0;
          let s = 0;
          let s2 = 0;
          let bad = false;
          for (let y = gy * step, ye = y + b; y < ye; y++) {
            for (let x = gx * step, xe = x + b; x < xe; x++) {
              const z = levelPosition(d[(y * w + x) * ch + cc], levels, enc);
              if (z < 0.5 || z > top - 0.5) bad = true;
              s += z;
              s2 += z * z;
            }
          }
          const m = s / area;
          sum += m;
          mean[(k * n + j) * 3 + c] = bad ? NaN : m;
          // Clipped or black blocks say nothing about texture.
          if (!bad) worst = Math.max(worst, Math.sqrt(Math.max(0, s2 / area - m * m)));
        }
        rough += worst;
      }
      roughness[k] = rough;
      key[k] = sum;
    }
  }
  // Slice by the sum of levels over frames and channels: monotone in scene brightness whatever the curve.
  let kmin = Infinity;
  let kmax = -Infinity;
  for (let k = 0; k < cand; k++) {
    if (key[k] < kmin) kmin = key[k];
    if (key[k] > kmax) kmax = key[k];
  }
  const span = kmax - kmin || 1;
  const slices: number[][] = Array.from({ length: SLICES }, () => []);
  for (let k = 0; k < cand; k++) slices[Math.min(SLICES - 1, Math.floor(((key[k] - kmin) / span) * SLICES))].push(k);
  // Fill the sparsest slices first so their unused quota passes to the others.
  const bySize = slices.map((s, i) => i).sort((a, b) => slices[a].length - slices[b].length);
  const chosen: number[] = [];
  let left = Math.min(maxSamples, cand);
  for (let r = 0; r < SLICES; r++) {
    const s = slices[bySize[r]];
    const quota = Math.floor(left / (SLICES - r));
    if (s.length > quota) s.sort((a, b) => roughness[a] - roughness[b] || a - b);
    const take = Math.min(quota, s.length);
    for (let i = 0; i < take; i++) chosen.push(s[i]);
    left -= take;
  }
  chosen.sort((a, b) => a - b);
  const out = new Float32Array(chosen.length * n * 3);
  chosen.forEach((k, i) => out.set(mean.subarray(k * n * 3, (k + 1) * n * 3), i * n * 3));
  return { count: chosen.length, frames: n, levels: out };
}
