/**
 * The small grey image alignment works on: block means of a frame's luminance (one read of the
 * frame), each block marked usable or not (clipped in any sample, or too dark to trust its ratio).
 */
import type { LinearImage } from '../image/linear-image';

export interface GreyProxy {
  width: number;
  height: number;
  /** Proxy pixel i covers frame pixels [i factor, (i + 1) factor) on both axes. */
  factor: number;
  /** Linear luminance (Rec. 709 weights), block means. */
  grey: Float32Array;
  /** 1 where the block has no clipped sample and is bright enough for a ratio to mean something. */
  valid: Uint8Array;
  /** The level the frame clips at (its clipLevel, or its brightest sample). */
  clip: number;
  /**
   * Each block's brightest sample: what a coarser proxy's clipping is judged on. A NaN sample is left out of
   * it; its block's mean is NaN, so the block (and any coarser block holding it) is unusable all the same.
   */
  peak: Float32Array;
  /** The frame's clipLevel when it has one, else undefined (clip is then the brightest sample seen). */
  clipLevel: number | undefined;
  /** Blocks under this fraction of clip are too dark to use (blackFraction of the frame). */
  black: number;
}

/** Longer side of the proxy alignment estimates are made on (alignFrames' default proxySide). */
export const ALIGN_PROXY_SIDE = 1536;

/** Rec.709 luma weights of the proxy's grey (module constants, so the RGB loop reads them as literals). */
const LUMA_R = 0.2126;
const LUMA_G = 0.7152;
const LUMA_B = 0.0722;

/** Blocks with any sample above this fraction of the clip level count as clipped. */
const CLIP_FRACTION = 0.92;

/** Blocks darker than this (relative to clip) are noise and quantisation: 2^-7 for 8-bit files, 2^-12 for deeper ones. */
function blackFraction(frame: LinearImage): number {
  const bits = frame.meta.sourceBits ?? 8;
  return bits > 8 ? 2 ** -12 : 2 ** -7;
}

export function proxyFactor(width: number, height: number, proxySide: number): number {
  return Math.max(1, Math.ceil(Math.max(width, height) / proxySide));
}

export function greyProxy(frame: LinearImage, factor: number): GreyProxy {
  const { width: w, height: h, channels: ch, data } = frame;
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`proxy factor must be a positive integer, got ${factor}`);
  const pw = Math.max(1, Math.floor(w / factor));
  const ph = Math.max(1, Math.floor(h / factor));
  const bw = Math.min(factor, w);
  const bh = Math.min(factor, h);
  const sum = new Float64Array(pw);
  const max = new Float32Array(pw);
  const grey = new Float32Array(pw * ph);
  const peak = new Float32Array(pw * ph);
  const [wr, wg, wb] = ch >= 3 ? [LUMA_R, LUMA_G, LUMA_B] : [1, 0, 0];
  for (let py = 0; py < ph; py++) {
    sum.fill(0);
    max.fill(0);
    for (let y = py * bh, ye = y + bh; y < ye; y++) {
      if (ch === 3) rgbBlockRow(data, y * w * 3, pw, bw, sum, max);
      else {
        let i = y * w * ch;
        for (let px = 0; px < pw; px++) {
          let s = 0;
          let m = max[px];
          for (let k = 0; k < bw; k++, i += ch) {
            const r = data[i];
            const g = ch >= 3 ? data[i + 1] : r;
            const b = ch >= 3 ? data[i + 2] : r;
            s += wr * r + wg * g + wb * b;
            if (r > m) m = r;
            if (g > m) m = g;
            if (b > m) m = b;
          }
          sum[px] += s;
          max[px] = m;
        }
      }
    }
    for (let px = 0; px < pw; px++) {
      grey[py * pw + px] = sum[px] / (bw * bh);
      peak[py * pw + px] = max[px];
    }
  }
  const metaClip = frame.meta.clipLevel;
  return finishProxy(pw, ph, factor, grey, peak, metaClip !== undefined && Number.isFinite(metaClip) && metaClip > 0 ? metaClip : undefined, blackFraction(frame));
}

/**
 * One frame row of RGB blocks added to their sums and peaks: greyProxy's loop for the common case without its
 * channel-count tests and NaN checks, which made it about 1.5x as slow (bench/engine-kernels.ts, 3 x 24 MP frames:
 * 492-500 ms against 314-349 ms).
 */
function rgbBlockRow(data: Float32Array, i0: number, pw: number, bw: number, sum: Float64Array, max: Float32Array): void {
  for (let px = 0, i = i0; px < pw; px++) {
    let s = 0;
    let m = max[px];
    for (let k = 0; k < bw; k++, i += 3) {
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      s += LUMA_R * r + LUMA_G * g + LUMA_B * b;
      if (r > m) m = r;
      if (g > m) m = g;
      if (b > m) m = b;
    }
    sum[px] += s;
    max[px] = m;
  }
}

/** The clip level and the usable blocks of a proxy whose block means and peaks are known. */
function finishProxy(width: number, height: number, factor: number, grey: Float32Array, peak: Float32Array, clipLevel: number | undefined, black: number): GreyProxy {
  let brightest = 0;
  for (let i = 0; i < peak.length; i++) if (peak[i] > brightest && peak[i] !== Infinity) brightest = peak[i];
  const clip = clipLevel ?? (brightest > 0 ? brightest : 1);
  const hi = CLIP_FRACTION * clip;
  const lo = black * clip;
  const valid = new Uint8Array(width * height);
  for (let i = 0; i < valid.length; i++) valid[i] = peak[i] < hi && grey[i] > lo ? 1 : 0;
  return { width, height, factor, grey, valid, clip, peak, clipLevel, black };
}

/**
 * The proxy greyProxy(frame, p.factor * k) would give, from p alone (k x k of its blocks a block): a frame is read
 * once for the alignment's proxy and the reference suggestion's coarser one. Equal up to float rounding of the means.
 */
export function coarsenProxy(p: GreyProxy, k: number): GreyProxy {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`coarsening must be by a positive integer, got ${k}`);
  if (k === 1) return p;
  const pw = Math.max(1, Math.floor(p.width / k));
  const ph = Math.max(1, Math.floor(p.height / k));
  const kw = Math.min(k, p.width);
  const kh = Math.min(k, p.height);
  const grey = new Float32Array(pw * ph);
  const peak = new Float32Array(pw * ph);
  for (let py = 0; py < ph; py++) {
    for (let px = 0; px < pw; px++) {
      let s = 0;
      let m = 0;
      for (let y = py * kh; y < (py + 1) * kh; y++) {
        for (let x = px * kw, i = y * p.width + x; x < (px + 1) * kw; x++, i++) {
          s += p.grey[i];
          if (!(p.peak[i] <= m)) m = p.peak[i];
        }
      }
      grey[py * pw + px] = s / (kw * kh);
      peak[py * pw + px] = m;
    }
  }
  return finishProxy(pw, ph, p.factor * k, grey, peak, p.clipLevel, p.black);
}

/** One level of a log-luminance pyramid: blurred log2 grey, its gradient, and where each is usable. */
export interface LogLevel {
  width: number;
  height: number;
  /** Frame pixels per level pixel. */
  factor: number;
  /** log2 luminance, smoothed with a [1 2 1] kernel over usable pixels only. */
  value: Float32Array;
  /** 1 where value and its 3x3 neighbourhood are usable. */
  valid: Uint8Array;
  gx: Float32Array;
  gy: Float32Array;
  /** 1 at (x, y) when the bilinear cell (x..x+1, y..y+1) has a usable value and gradient at all four corners. */
  cell: Uint8Array;
}

/** log2 of the proxy where usable. */
function logOf(p: GreyProxy): { value: Float32Array; valid: Uint8Array } {
  const value = new Float32Array(p.grey.length);
  for (let i = 0; i < value.length; i++) value[i] = p.valid[i] ? Math.log2(p.grey[i]) : 0;
  return { value, valid: p.valid.slice() };
}

/** 2x2 block mean; a block is usable when all four are. */
function halve(value: Float32Array, valid: Uint8Array, w: number, h: number): { value: Float32Array; valid: Uint8Array; w: number; h: number } {
  const nw = Math.floor(w / 2);
  const nh = Math.floor(h / 2);
  const v = new Float32Array(nw * nh);
  const m = new Uint8Array(nw * nh);
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      const i = 2 * y * w + 2 * x;
      const ok = valid[i] & valid[i + 1] & valid[i + w] & valid[i + w + 1];
      m[y * nw + x] = ok;
      v[y * nw + x] = ok ? 0.25 * (value[i] + value[i + 1] + value[i + w] + value[i + w + 1]) : 0;
    }
  }
  return { value: v, valid: m, w: nw, h: nh };
}

/** [1 2 1] x [1 2 1] smoothing of usable pixels; the result is usable where the whole 3x3 was (an erosion). */
function smooth(value: Float32Array, valid: Uint8Array, w: number, h: number): { value: Float32Array; valid: Uint8Array } {
  const tmp = new Float32Array(w * h);
  const tmpOk = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const ok = valid[i - 1] & valid[i] & valid[i + 1];
      tmpOk[i] = ok;
      if (ok) tmp[i] = 0.25 * (value[i - 1] + 2 * value[i] + value[i + 1]);
    }
  }
  const out = new Float32Array(w * h);
  const ok = new Uint8Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const k = tmpOk[i - w] & tmpOk[i] & tmpOk[i + w];
      ok[i] = k;
      if (k) out[i] = 0.25 * (tmp[i - w] + 2 * tmp[i] + tmp[i + w]);
    }
  }
  return { value: out, valid: ok };
}

function level(value: Float32Array, valid: Uint8Array, w: number, h: number, factor: number): LogLevel {
  const s = smooth(value, valid, w, h);
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  const gOk = new Uint8Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const ok = s.valid[i] & s.valid[i - 1] & s.valid[i + 1] & s.valid[i - w] & s.valid[i + w];
      gOk[i] = ok;
      if (ok) {
        gx[i] = 0.5 * (s.value[i + 1] - s.value[i - 1]);
        gy[i] = 0.5 * (s.value[i + w] - s.value[i - w]);
      }
    }
  }
  const cell = new Uint8Array(w * h);
  for (let y = 0; y < h - 1; y++) {
    for (let x = 0; x < w - 1; x++) {
      const i = y * w + x;
      cell[i] = gOk[i] & gOk[i + 1] & gOk[i + w] & gOk[i + w + 1];
    }
  }
  return { width: w, height: h, factor, value: s.value, valid: s.valid, gx, gy, cell };
}

/** Finest first; stops before a level would be under minSide pixels on its short side. */
export function logPyramid(p: GreyProxy, levels: number, minSide = 24): LogLevel[] {
  let { value, valid } = logOf(p);
  let w = p.width;
  let h = p.height;
  let factor = p.factor;
  const out: LogLevel[] = [level(value, valid, w, h, factor)];
  while (out.length < levels && Math.min(w, h) >= 2 * minSide) {
    const next = halve(value, valid, w, h);
    ({ value, valid, w, h } = next);
    factor *= 2;
    out.push(level(value, valid, w, h, factor));
  }
  return out;
}

/** Fraction of proxy pixels usable in both proxies (same grid, no motion). */
export function sharedValidFraction(a: GreyProxy, b: GreyProxy): number {
  let n = 0;
  for (let i = 0; i < a.valid.length; i++) n += a.valid[i] & b.valid[i];
  return n / a.valid.length;
}
