/** Pass 1 of Mertens fusion over one frame: each row is encoded once and feeds the weights, the running weighted sum and the level-1 reducer. */
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { greyRow, weightRow, type MertensWeightParams } from './mertens-weights';
import type { RowReducer } from './pyramid-rows';

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

/** total += w and blend += w * E over row r, whose encoded pixels are at enc[e0]. */
function accumulateRow(wk: Float32Array, total: Float32Array, blend: Float32Array, enc: Float32Array, e0: number, r: number, w: number): void {
  for (let x = 0, p = r * w, i = e0, o = r * w * 3; x < w; x++, p++, i += 3, o += 3) {
    const wv = wk[p];
    total[p] += wv;
    blend[o] += wv * enc[i];
    blend[o + 1] += wv * enc[i + 1];
    blend[o + 2] += wv * enc[i + 2];
  }
}

/** Streams one frame: encodes each row once and feeds it to the weights, the running blend and the reducer. */
export function weighFrame(
  frame: LinearImage,
  params: MertensWeightParams,
  expTable: Float32Array,
  s: RowScratch,
  reducer: RowReducer | null,
  wk: Float32Array,
  total: Float32Array,
  blend: Float32Array,
): void {
  const { width: w, height: h } = frame;
  const clip = frame.meta.clipLevel;
  const inv = clip !== undefined && Number.isFinite(clip) && clip > 0 ? 1 / clip : 1;
  const t = srgbEncodeTable();
  for (let y = 0; y <= h; y++) {
    if (y < h) {
      const e0 = (y % 3) * w * 3;
      encodeRow(frame, y, inv, t, s.enc, e0);
      greyRow(s.enc, e0, w, s.grey, (y % 3) * w);
      reducer?.push(s.enc, e0);
    }
    // A row's contrast needs the row below it, so row y - 1 is finished once row y is in.
    const r = y - 1;
    if (r < 0) continue;
    const e0 = (r % 3) * w * 3;
    weightRow(s.enc, e0, s.grey, (mirror(r - 1, h) % 3) * w, (r % 3) * w, (mirror(r + 1, h) % 3) * w, w, params, expTable, wk, r * w);
    accumulateRow(wk, total, blend, s.enc, e0, r, w);
  }
}


/**
 * For weights given from outside (the learned fusion's, already normalised): blend += w * E row by row and each
 * encoded row into the level-1 reducer, so a pyramid blend needs no full-size encoded copy or band of the frame.
 * Values are encoded as they are (no division by the clip level), as the learned blend has always done.
 */
export function blendFrameRows(frame: LinearImage, wk: Float32Array, blend: Float32Array, reducer: RowReducer | null, row: Float32Array): void {
  const { width: w, height: h } = frame;
  const t = srgbEncodeTable();
  for (let y = 0; y < h; y++) {
    encodeRow(frame, y, 1, t, row, 0);
    for (let x = 0, p = y * w, i = 0, o = y * w * 3; x < w; x++, p++, i += 3, o += 3) {
      const wv = wk[p];
      blend[o] += wv * row[i];
      blend[o + 1] += wv * row[i + 1];
      blend[o + 2] += wv * row[i + 2];
    }
    reducer?.push(row, 0);
  }
}
