/** Pass 1 of Mertens fusion over one frame: each row is encoded once and feeds the weights, the running weighted sum and the level-1 reducer. */
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { greyRow, weightRow, type MertensWeightParams } from './mertens-weights';
import { reducedSize, type RowReducer } from './pyramid-rows';

/** sRGB-encodes row y of frame / clipLevel into 3 channels at out[o0], clamped to 0..1 (fusion works on display values). */
function encodeRow(frame: LinearImage, y: number, inv: number, t: Float32Array, out: Float32Array, o0: number): void {
  const { width: w, channels: ch, data: src } = frame;
  const read = readTable;
  const s0 = y * w * ch;
  if (ch === 3) {
    for (let i = 0, n = w * 3; i < n; i++) out[o0 + i] = read(t, src[s0 + i] * inv);
    return;
  }
  for (let x = 0; x < w; x++) {
    const s = s0 + x * ch;
    const o = o0 + x * 3;
    const r = read(t, src[s] * inv);
    // Grey frames count as R = G = B; a fourth (alpha) channel is ignored.
    out[o] = r;
    out[o + 1] = ch === 1 ? r : read(t, src[s + 1] * inv);
    out[o + 2] = ch === 1 ? r : read(t, src[s + 2] * inv);
  }
}

export interface RowScratch {
  /** Three encoded RGB rows (ring by row index mod 3). */
  enc: Float32Array;
  /** Their grey values. */
  grey: Float32Array;
}

export function createRowScratch(width: number): RowScratch {
  return { enc: new Float32Array(3 * width * 3), grey: new Float32Array(3 * width) };
}

/** Reflect-101 row index. */
export const mirror = (i: number, n: number): number => (n === 1 ? 0 : i < 0 ? 1 : i >= n ? n - 2 : i);

/** total += w (total's row t0) and blend += w * E over row r, whose encoded pixels are at enc[e0]. */
function accumulateRow(wk: Float32Array, total: Float32Array, t0: number, blend: Float32Array, enc: Float32Array, e0: number, r: number, w: number): void {
  for (let x = 0, p = r * w, t = t0, i = e0, o = r * w * 3; x < w; x++, p++, t++, i += 3, o += 3) {
    const wv = wk[p];
    total[t] += wv;
    blend[o] += wv * enc[i];
    blend[o + 1] += wv * enc[i + 1];
    blend[o + 2] += wv * enc[i + 2];
  }
}

/**
 * Streams one frame: encodes each row once and feeds it to the weights, the running blend and the reducer.
 * With a band, only rows [y0, y1) get weights and blend (y0 even): the rows around it that their contrast
 * and the reducer's taps read are encoded too, and the reducer must be made for that band (reducedBand).
 * total holds the band's rows only (its row 0 is row y0).
 */
export function weighFrame(
  frame: LinearImage,
  params: MertensWeightParams,
  expTable: Float32Array,
  s: RowScratch,
  reducer: RowReducer | null,
  wk: Float32Array,
  total: Float32Array,
  blend: Float32Array,
  y0 = 0,
  y1 = frame.height,
): void {
  const { width: w, height: h } = frame;
  const clip = frame.meta.clipLevel;
  const inv = clip !== undefined && Number.isFinite(clip) && clip > 0 ? 1 / clip : 1;
  const t = srgbEncodeTable();
  // Two rows above the band for the reducer's taps (one for the contrast), one below for both.
  const start = Math.max(0, y0 - 2);
  const stop = Math.min(h, y1 + 1);
  if (reducer && reducer.nextRow !== start) throw new RangeError(`the reducer expects row ${reducer.nextRow}, the band starts encoding at ${start}`);
  for (let y = start; y <= stop; y++) {
    if (y < stop) {
      const e0 = (y % 3) * w * 3;
      encodeRow(frame, y, inv, t, s.enc, e0);
      greyRow(s.enc, e0, w, s.grey, (y % 3) * w);
      reducer?.push(s.enc, e0);
    }
    // A row's contrast needs the row below it, so row y - 1 is finished once row y is in.
    const r = y - 1;
    if (r < y0 || r >= y1) continue;
    const e0 = (r % 3) * w * 3;
    weightRow(s.enc, e0, s.grey, (mirror(r - 1, h) % 3) * w, (r % 3) * w, (mirror(r + 1, h) % 3) * w, w, params, expTable, wk, r * w);
    accumulateRow(wk, total, (r - y0) * w, blend, s.enc, e0, r, w);
  }
}

/**
 * The level-1 rows [from, to) that rows [y0, y1) of a plane h rows high reduce to when the plane is cut
 * into bands: y0 must be even, and so must y1 unless it is h (each band then owns its reduced rows).
 */
export function reducedBand(h: number, y0: number, y1: number): [number, number] {
  if (!(Number.isInteger(y0) && Number.isInteger(y1) && y0 >= 0 && y0 < y1 && y1 <= h) || y0 % 2 !== 0 || (y1 !== h && y1 % 2 !== 0)) {
    throw new RangeError(`rows ${y0}..${y1} of ${h} are not a band (start and inner end must be even)`);
  }
  return [y0 / 2, y1 === h ? reducedSize(h) : y1 / 2];
}

/**
 * For weights given from outside (the learned fusion's, already normalised): blend += w * E row by row and each
 * encoded row into the level-1 reducer, so a pyramid blend needs no full-size encoded copy or band of the frame.
 * Values are encoded as they are (no division by the clip level), as the learned blend has always done. With a
 * band, only rows [y0, y1) are blended, and the rows the reducer (made for that band) reads around it are encoded too.
 */
export function blendFrameRows(frame: LinearImage, wk: Float32Array, blend: Float32Array, reducer: RowReducer | null, row: Float32Array, y0 = 0, y1 = frame.height): void {
  const { width: w, height: h } = frame;
  const t = srgbEncodeTable();
  const start = reducer ? reducer.nextRow : y0;
  const stop = reducer ? Math.min(h, y1 + 1) : y1;
  for (let y = start; y < stop; y++) {
    encodeRow(frame, y, 1, t, row, 0);
    if (y >= y0 && y < y1) {
      for (let x = 0, p = y * w, i = 0, o = y * w * 3; x < w; x++, p++, i += 3, o += 3) {
        const wv = wk[p];
        blend[o] += wv * row[i];
        blend[o + 1] += wv * row[i + 1];
        blend[o + 2] += wv * row[i + 2];
      }
    }
    reducer?.push(row, 0);
  }
}
