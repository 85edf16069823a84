/**
 * A frame seen from far away, for grouping files that carry no exposure data (EXIF stripped by an
 * editor or a web upload, a scanner's or a phone app's export): are two frames one scene, and how
 * many stops apart are they? Answered from a few thousand pixels, without the full image.
 *
 * One scene: the log-luminance steps between neighbouring pixels (edges, texture) agree. An exposure
 * change adds a constant to log luminance and leaves the steps; a camera's tone curve scales them; a
 * different photograph, or the same place reframed, moves them. The frames may be a few pixels apart
 * (a handheld bracket), so the best of small moves counts. Measured on ../shared
 * (`npx tsx bench/pixel-grouping.ts`, BENCHMARKS "Grouping files without exposure data"): frames of one
 * bracket 0.76-1.0 (1-2 apart in exposure), different photographs -0.04-0.18, one place with the window
 * moved 1-2 % 0.83 and more, moved 20 % at most 0.64.
 */
import type { LinearImage } from '../image/linear-image';
import { downsampleKeepingClips } from '../image/resample';

/** Longest side of a probe, in pixels. */
export const PROBE_SIDE = 64;

/** Structure correlation (ProbeMatch.structure) at or above which two frames show one scene. */
export const SAME_SCENE_STRUCTURE = 0.7;

/** Fewest pixels well exposed in both frames for a comparison to count (of PROBE_SIDE^2 at most). */
export const MIN_SHARED_PIXELS = 24;

/** A probe pixel counts as well exposed between these fractions of the clip level (luminance, brightest channel). */
const FLOOR = 0.0008;
const CEILING = 0.9;
/** Below this (brightest channel, fraction of clip) a pixel is off the shoulder of a camera's tone curve. */
const SHOULDER = 0.5;
/** Above this (luminance, fraction of clip) a pixel is off the toe, where noise and flare flatten steps. */
const TOE = 0.01;
/** Largest move (probe pixels, each way) between frames looked for: 3 % of the long side. */
export const MAX_SHIFT = 2;

export interface PixelProbe {
  width: number;
  height: number;
  /** Linear luminance per probe pixel, as a fraction of the frame's clip level. */
  luma: Float32Array;
  /** Each probe pixel's brightest channel, likewise; 1 where any source pixel under it clipped. */
  peak: Float32Array;
}

export interface ProbeMatch {
  /** Spearman's rank correlation over the pixels well exposed in both, -1..1. */
  correlation: number;
  /** log2 of b's exposure over a's (+1: b is a stop brighter), the median over those pixels. */
  stops: number;
  /** How many pixels the two have well exposed in common. */
  shared: number;
  /**
   * Pearson correlation of the two frames' log-luminance differences between neighbouring pixels (edges and
   * texture), over neighbours well exposed in both; NaN where too few are. An exposure change shifts log
   * luminance and leaves these; a moved frame moves them.
   */
  structure: number;
  /** Where b's content was found, in probe pixels off a's. */
  shift: [number, number];
}

/** The probe of a decoded frame: averaged down to PROBE_SIDE, a block with a clipped sample marked clipped. */
export function probeFromImage(img: LinearImage): PixelProbe {
  const clip = img.meta.clipLevel !== undefined && img.meta.clipLevel > 0 ? img.meta.clipLevel : 1;
  const small = downsampleKeepingClips(img, PROBE_SIDE, clip);
  const n = small.width * small.height;
  const ch = small.channels;
  const luma = new Float32Array(n);
  const peak = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * ch;
    if (ch >= 3) {
      const r = small.data[o];
      const g = small.data[o + 1];
      const b = small.data[o + 2];
      luma[i] = (0.2126 * r + 0.7152 * g + 0.0722 * b) / clip;
      peak[i] = Math.max(r, g, b) / clip;
    } else {
      luma[i] = small.data[o] / clip;
      peak[i] = luma[i];
    }
    // A NaN sample (float files) is neither dark nor bright: never well exposed.
    if (!Number.isFinite(luma[i]) || !Number.isFinite(peak[i])) peak[i] = Infinity;
  }
  return { width: small.width, height: small.height, luma, peak };
}

function wellExposed(p: PixelProbe, i: number): boolean {
  return p.peak[i] < CEILING && p.luma[i] > FLOOR;
}

/** Ranks (0-based, ties averaged) of `values`. */
function ranks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) out[order[k]] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}

/** Pixel pairs (index in a, index in b) well exposed in both, b's content `dx`, `dy` probe pixels off a's. */
function pairsAt(a: PixelProbe, b: PixelProbe, dx: number, dy: number): { ia: Int32Array; ib: Int32Array; n: number } {
  const w = a.width;
  const h = a.height;
  const ia = new Int32Array(w * h);
  const ib = new Int32Array(w * h);
  let n = 0;
  for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
    for (let x = Math.max(0, -dx); x < Math.min(w, w - dx); x++) {
      const i = y * w + x;
      const j = i + dy * w + dx;
      if (wellExposed(a, i) && wellExposed(b, j)) {
        ia[n] = i;
        ib[n] = j;
        n++;
      }
    }
  }
  return { ia, ib, n };
}

/** Each probe's log2 luminance and well-exposed mask, worked out once for its many comparisons. */
const derived = new WeakMap<PixelProbe, { log: Float64Array; ok: Uint8Array }>();

function derive(p: PixelProbe): { log: Float64Array; ok: Uint8Array } {
  let d = derived.get(p);
  if (!d) {
    const ok = Uint8Array.from(p.luma, (_, i) => (wellExposed(p, i) ? 1 : 0));
    d = { log: Float64Array.from(p.luma, (v, i) => (ok[i] ? Math.log2(v) : 0)), ok };
    derived.set(p, d);
  }
  return d;
}

/**
 * Pearson correlation of the log-luminance steps between neighbouring pixels (right and down) of a and of b,
 * b read `dx`, `dy` off; NaN where fewer than MIN_SHARED_PIXELS steps are well exposed in both frames.
 */
function structureAt(a: PixelProbe, b: PixelProbe, dx: number, dy: number): number {
  const w = a.width;
  const h = a.height;
  const { log: la, ok: oa } = derive(a);
  const { log: lb, ok: ob } = derive(b);
  let n = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  const add = (da: number, db: number): void => {
    n++;
    sa += da;
    sb += db;
    saa += da * da;
    sbb += db * db;
    sab += da * db;
  };
  // Pixels (x, y) of a whose (x + dx, y + dy) and right/down neighbours exist in both frames.
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(w, w - dx);
  const y0 = Math.max(0, -dy);
  const y1 = Math.min(h, h - dy);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * w + x;
      const j = i + dy * w + dx;
      if (!oa[i] || !ob[j]) continue;
      if (x + 1 < x1 && oa[i + 1] && ob[j + 1]) add(la[i + 1] - la[i], lb[j + 1] - lb[j]);
      if (y + 1 < y1 && oa[i + w] && ob[j + w]) add(la[i + w] - la[i], lb[j + w] - lb[j]);
    }
  }
  if (n < MIN_SHARED_PIXELS) return NaN;
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? (sab - (sa * sb) / n) / Math.sqrt(va * vb) : NaN;
}

/**
 * How alike two probes are and how far apart in exposure, b's content looked for up to MAX_SHIFT probe pixels
 * off a's (a handheld bracket moves); null when they cannot be compared (different shapes, or fewer than
 * MIN_SHARED_PIXELS well exposed in both: one nearly black, the other nearly white).
 */
export function compareProbes(a: PixelProbe, b: PixelProbe): ProbeMatch | null {
  if (a.width !== b.width || a.height !== b.height) return null;
  let best = { structure: NaN, dx: 0, dy: 0 };
  for (let dy = -MAX_SHIFT; dy <= MAX_SHIFT; dy++) {
    for (let dx = -MAX_SHIFT; dx <= MAX_SHIFT; dx++) {
      const st = structureAt(a, b, dx, dy);
      // Ties (and a frame without texture) stay at the smaller move.
      if (st > best.structure + 1e-9 || (Number.isNaN(best.structure) && Number.isFinite(st))) best = { structure: st, dx, dy };
    }
  }
  const { ia, ib, n } = pairsAt(a, b, best.dx, best.dy);
  if (n < MIN_SHARED_PIXELS) return null;
  const va = new Float64Array(n);
  const vb = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    va[k] = a.luma[ia[k]];
    vb[k] = b.luma[ib[k]];
  }
  // The exposure ratio from the pixels between the tone curve's toe and shoulder, where it compresses a
  // step (a stop reads as 0.6 near black or white); from all shared pixels where too few are in between.
  const logs: number[] = [];
  for (let k = 0; k < n; k++) {
    if (Math.max(a.peak[ia[k]], b.peak[ib[k]]) < SHOULDER && Math.min(va[k], vb[k]) > TOE) logs.push(Math.log2(vb[k] / va[k]));
  }
  if (logs.length < MIN_SHARED_PIXELS) {
    logs.length = 0;
    for (let k = 0; k < n; k++) logs.push(Math.log2(vb[k] / va[k]));
  }
  const ra = ranks(va);
  const rb = ranks(vb);
  const mean = (n - 1) / 2;
  let cross = 0;
  let sa = 0;
  let sb = 0;
  for (let k = 0; k < n; k++) {
    cross += (ra[k] - mean) * (rb[k] - mean);
    sa += (ra[k] - mean) ** 2;
    sb += (rb[k] - mean) ** 2;
  }
  // A flat frame (every shared pixel equal) has no order to agree with: no evidence either way.
  if (sa === 0 || sb === 0) return null;
  logs.sort((x, y) => x - y);
  const m = logs.length;
  const stops = m % 2 ? logs[m >> 1] : (logs[m / 2 - 1] + logs[m / 2]) / 2;
  return { correlation: cross / Math.sqrt(sa * sb), stops, shared: n, structure: best.structure, shift: [best.dx, best.dy] };
}
