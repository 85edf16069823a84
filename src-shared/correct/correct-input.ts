/**
 * The correction networks' input (see meta.ts): the frame area-downsampled in linear light to the
 * working resolution, sRGB-encoded, with a clip indicator and the pre-gain plane, edge-padded on
 * the right and bottom to multiples of CORRECT_MULTIPLE. training/correct/render.py mirrors this.
 */
import type { LinearImage } from '../image/linear-image';
import { createLinearImage } from '../image/linear-image';
import { downsample } from '../image/resample';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { CORRECT_INPUT_CHANNELS, CORRECT_MULTIPLE, LUMA_709, MIDDLE_GREY, PRE_GAIN_MAX, PRE_GAIN_MIN } from './meta';

export interface CorrectInput {
  /** CORRECT_INPUT_CHANNELS x paddedHeight x paddedWidth, planar. */
  data: Float32Array;
  width: number;
  height: number;
  paddedWidth: number;
  paddedHeight: number;
  /** The frame at working resolution, linear RGB (3 channels), unpadded. */
  work: LinearImage;
  preGain: number;
}

/** The frame as 3-channel linear RGB (grey replicated, alpha dropped); the same object when it already is. */
export function asRgb(img: LinearImage): LinearImage {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const out = createLinearImage(img.width, img.height, 3, img.meta, img.ev);
  const ch = img.channels;
  for (let p = 0; p < n; p++) {
    const s = p * ch;
    out.data[p * 3] = img.data[s];
    out.data[p * 3 + 1] = img.data[ch === 1 ? s : s + 1];
    out.data[p * 3 + 2] = img.data[ch === 1 ? s : s + 2];
  }
  return out;
}

/** Rec.709 luminance of every pixel of a 3- or 4-channel linear image (into `out`, Float32 unless given). */
export function luminance709<T extends Float32Array | Float64Array = Float32Array>(img: LinearImage, out?: T): T {
  if (img.channels < 3) throw new RangeError(`luminance needs RGB, got ${img.channels} channel(s)`);
  const n = img.width * img.height;
  const dst = (out ?? new Float32Array(n)) as T;
  if (dst.length !== n) throw new RangeError(`luminance output must hold ${n} samples, got ${dst.length}`);
  const d = img.data;
  const ch = img.channels;
  const [kr, kg, kb] = LUMA_709;
  for (let p = 0, i = 0; p < n; p++, i += ch) dst[p] = kr * d[i] + kg * d[i + 1] + kb * d[i + 2];
  return dst;
}

/** The value at quantile q (0..1) of already sorted samples (nearest rank). */
export function quantileSorted(sorted: Float32Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}

/** Median of the values (mean of the two middle ones for an even count, as numpy's); sorts a copy. */
export function median(values: Float32Array | Float64Array): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const s = (values instanceof Float64Array ? Float64Array.from(values) : Float32Array.from(values)).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** 0.18 over the median luminance, clamped to [PRE_GAIN_MIN, PRE_GAIN_MAX] (the largest for a black frame). */
export function preGainOf(work: LinearImage): number {
  const m = median(luminance709(work, new Float64Array(work.width * work.height)));
  if (!(m > 0)) return PRE_GAIN_MAX;
  return Math.min(PRE_GAIN_MAX, Math.max(PRE_GAIN_MIN, MIDDLE_GREY / m));
}

const roundUp = (n: number): number => Math.ceil(n / CORRECT_MULTIPLE) * CORRECT_MULTIPLE;

export function correctInput(frame: LinearImage, workingSide: number): CorrectInput {
  if (!Number.isInteger(workingSide) || workingSide < CORRECT_MULTIPLE * 2) throw new RangeError(`working side must be an integer >= ${CORRECT_MULTIPLE * 2}, got ${workingSide}`);
  const work = downsample(asRgb(frame), workingSide);
  const { width, height } = work;
  const pw = roundUp(width);
  const ph = roundUp(height);
  const plane = pw * ph;
  const preGain = preGainOf(work);
  const data = new Float32Array(CORRECT_INPUT_CHANNELS * plane);
  const enc = srgbEncodeTable();
  const gainPlane = Math.log2(preGain) / 4;
  const d = work.data;
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(y, height - 1) * width;
    for (let x = 0; x < pw; x++) {
      const s = (sy + Math.min(x, width - 1)) * 3;
      const o = y * pw + x;
      const r = readTable(enc, d[s]);
      const g = readTable(enc, d[s + 1]);
      const b = readTable(enc, d[s + 2]);
      data[o] = r;
      data[plane + o] = g;
      data[2 * plane + o] = b;
      data[3 * plane + o] = Math.min(1, Math.max(0, (Math.max(r, g, b) - 0.95) / 0.05));
      data[4 * plane + o] = gainPlane;
    }
  }
  return { data, width, height, paddedWidth: pw, paddedHeight: ph, work, preGain };
}
