/**
 * Median threshold bitmap translation search (Ward 2003, "Fast, robust image registration for
 * compositing high dynamic range photographs from hand-held exposures"): each frame is reduced to
 * "brighter than its own median" bits, which do not depend on exposure, and the whole-pixel shift
 * that minimises the XOR of two such bitmaps is found coarse to fine, ±1 pixel per level.
 */
import type { GreyProxy } from './proxy';

/** Ward's exclusion band: pixels this close (in 8-bit display codes) to the threshold are noise and ignored. */
export const EXCLUSION_CODES = 4;

/** Gamma table resolution; linear interpolation between entries is well under a code off. */
const GAMMA_STEPS = 4096;
/** The coarsest level keeps at least this many pixels on its short side, which bounds the search range. */
const MIN_LEVEL_SIDE = 16;

interface CodeLevel {
  width: number;
  height: number;
  /** Display-referred 0..255 codes (gamma 1/2.2 of grey / clip). */
  codes: Float32Array;
  /** 256-bin histogram of the rounded codes. */
  hist: Uint32Array;
}

function histogram(codes: Float32Array): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = 0; i < codes.length; i++) hist[Math.round(codes[i])]++;
  return hist;
}

/** Display codes of the proxy and of its 2x2 box halvings, finest first. */
export type { CodeLevel };

export function codePyramid(p: GreyProxy, levels: number): CodeLevel[] {
  const codes = new Float32Array(p.grey.length);
  // A table for the gamma: a per-pixel pow costs more than the rest of the search.
  const lut = new Float32Array(GAMMA_STEPS + 2);
  for (let k = 0; k <= GAMMA_STEPS; k++) lut[k] = 255 * (k / GAMMA_STEPS) ** (1 / 2.2);
  lut[GAMMA_STEPS + 1] = 255;
  const scale = GAMMA_STEPS / p.clip;
  for (let i = 0; i < codes.length; i++) {
    const x = Math.min(GAMMA_STEPS, Math.max(0, p.grey[i] * scale));
    const k = Math.floor(x);
    codes[i] = lut[k] + (x - k) * (lut[k + 1] - lut[k]);
  }
  const out: CodeLevel[] = [{ width: p.width, height: p.height, codes, hist: histogram(codes) }];
  while (out.length < levels) {
    const { width: w, height: h, codes: c } = out[out.length - 1];
    const nw = Math.floor(w / 2);
    const nh = Math.floor(h / 2);
    // Smaller levels hold too little of the scene for their bits to mean anything.
    if (Math.min(nw, nh) < MIN_LEVEL_SIDE) break;
    const next = new Float32Array(nw * nh);
    for (let y = 0; y < nh; y++) {
      for (let x = 0; x < nw; x++) {
        const i = 2 * y * w + 2 * x;
        next[y * nw + x] = 0.25 * (c[i] + c[i + 1] + c[i + w] + c[i + w + 1]);
      }
    }
    out.push({ width: nw, height: nh, codes: next, hist: histogram(next) });
  }
  return out;
}

/** The code at quantile q of a histogram. */
function quantile(hist: Uint32Array, q: number): number {
  let total = 0;
  for (let i = 0; i < 256; i++) total += hist[i];
  const target = q * total;
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += hist[i];
    if (acc >= target) return i;
  }
  return 255;
}

/**
 * The quantile both frames threshold at: the median where it is well inside both frames' ranges;
 * otherwise the quantile furthest from black and from clipping in both (Ward's advice for very dark
 * or bright exposures). Quantiles correspond between frames because the camera response is monotonic.
 */
export function pairQuantile(a: CodeLevel, b: CodeLevel): number {
  const headroom = (q: number): number => {
    const ca = quantile(a.hist, q);
    const cb = quantile(b.hist, q);
    return Math.min(ca, 255 - ca, cb, 255 - cb);
  };
  const margin = 2 * EXCLUSION_CODES + 4;
  if (headroom(0.5) > margin) return 0.5;
  let best = 0.5;
  let bestRoom = headroom(0.5);
  // Nearest to the median first, so ties keep the more central quantile.
  for (let k = 1; k <= 9; k++) {
    for (const q of [(10 - k) / 20, (10 + k) / 20]) {
      const room = headroom(q);
      if (room > bestRoom) {
        best = q;
        bestRoom = room;
      }
    }
  }
  return best;
}

/** Bit 0: above threshold; bit 1: outside the exclusion band (usable). */
function bitmap(level: CodeLevel, q: number): Uint8Array {
  const t = quantile(level.hist, q);
  const out = new Uint8Array(level.codes.length);
  const c = level.codes;
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    out[i] = (v > t ? 1 : 0) | (Math.abs(v - t) > EXCLUSION_CODES ? 2 : 0);
  }
  return out;
}

/**
 * XOR count over pixels usable in both, divided by that count (so shifts that overlap less are not
 * favoured); then, to break ties where every disagreement fell in the exclusion band (smooth or dark
 * frames), the same over all overlapping pixels.
 */
function shiftError(ref: Uint8Array, mov: Uint8Array, w: number, h: number, sx: number, sy: number): [number, number] {
  const x0 = Math.max(0, -sx);
  const x1 = Math.min(w, w - sx);
  const y0 = Math.max(0, -sy);
  const y1 = Math.min(h, h - sy);
  let diff = 0;
  let used = 0;
  let diffAll = 0;
  for (let y = y0; y < y1; y++) {
    let i = y * w + x0;
    let j = (y + sy) * w + x0 + sx;
    for (let x = x0; x < x1; x++, i++, j++) {
      const a = ref[i];
      const b = mov[j];
      const both = (a & b) >> 1;
      const flip = (a ^ b) & 1;
      used += both;
      diff += flip & both;
      diffAll += flip;
    }
  }
  const all = (x1 - x0) * (y1 - y0);
  return [used > 0 ? diff / used : Infinity, all > 0 ? diffAll / all : Infinity];
}

const better = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

export interface MtbResult {
  /** Whole proxy-pixel shift: the moved frame at (x + sx, y + sy) shows the reference at (x, y). */
  sx: number;
  sy: number;
  /** Fraction of usable bits that disagree at that shift. */
  error: number;
  quantile: number;
}

/** Pyramid levels needed for a search range of at least `range` pixels (Ward: ±(2^levels - 1)). */
export function mtbLevelsFor(range: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(1, range) + 1)));
}

export function mtbShift(ref: CodeLevel[], mov: CodeLevel[]): MtbResult {
  const levels = Math.min(ref.length, mov.length);
  const q = pairQuantile(ref[0], mov[0]);
  let sx = 0;
  let sy = 0;
  let error = Infinity;
  for (let l = levels - 1; l >= 0; l--) {
    sx *= 2;
    sy *= 2;
    const { width: w, height: h } = ref[l];
    const rb = bitmap(ref[l], q);
    const mb = bitmap(mov[l], q);
    // The centre first, so ties keep the smaller shift.
    let best = shiftError(rb, mb, w, h, sx, sy);
    let bx = sx;
    let by = sy;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (dx === 0 && dy === 0) continue;
        const e = shiftError(rb, mb, w, h, sx + dx, sy + dy);
        if (better(e, best)) {
          best = e;
          bx = sx + dx;
          by = sy + dy;
        }
      }
    }
    sx = bx;
    sy = by;
    error = best[0];
  }
  return { sx, sy, error, quantile: q };
}
