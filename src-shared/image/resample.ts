/** Area (box) downsampling of a LinearImage so its longer side is at most maxSide: each output pixel is the mean of the source area it covers. */
import { createLinearImage, type LinearImage } from './linear-image';

/** Source span of every output sample along one axis, with coverage weights summing to 1. */
interface AxisPlan {
  start: Int32Array;
  count: Int32Array;
  /** Offset of each output sample's weights in `weight`. */
  offset: Int32Array;
  weight: Float64Array;
}

function planAxis(src: number, dst: number): AxisPlan {
  const scale = src / dst;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const offset = new Int32Array(dst);
  const weights: number[] = [];
  for (let o = 0; o < dst; o++) {
    const a = o * scale;
    const b = Math.min(src, (o + 1) * scale);
    const i0 = Math.floor(a);
    const i1 = Math.min(src - 1, Math.ceil(b) - 1);
    start[o] = i0;
    count[o] = i1 - i0 + 1;
    offset[o] = weights.length;
    for (let i = i0; i <= i1; i++) {
      // Partial coverage at both ends is what makes non-integer factors an exact area average.
      weights.push((Math.min(i + 1, b) - Math.max(i, a)) / (b - a));
    }
  }
  return { start, count, offset, weight: Float64Array.from(weights) };
}

function resampleRow(src: Float32Array, rowStart: number, ch: number, plan: AxisPlan, out: Float64Array): void {
  const { start, count, offset, weight } = plan;
  for (let o = 0, n = start.length; o < n; o++) {
    const base = rowStart + start[o] * ch;
    const w0 = offset[o];
    const k = count[o];
    for (let c = 0; c < ch; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += weight[w0 + j] * src[base + j * ch + c];
      out[o * ch + c] = s;
    }
  }
}

function checkDownsample(img: LinearImage, maxSide: number): void {
  if (!Number.isInteger(maxSide) || maxSide < 1) {
    throw new RangeError(`maxSide must be a positive integer, got ${maxSide}`);
  }
  const { width: w, height: h, channels: ch } = img;
  if (img.data.length !== w * h * ch) throw new RangeError(`image data has ${img.data.length} samples, expected ${w * h * ch}`);
}

/** The size downsample gives: the longer side maxSide, the other rounded (at least 1). */
function downsampledSize(w: number, h: number, maxSide: number): [number, number] {
  return [w >= h ? maxSide : Math.max(1, Math.round((w * maxSide) / h)), h > w ? maxSide : Math.max(1, Math.round((h * maxSide) / w))];
}

/**
 * Returns a new image whose longer side is maxSide (the other rounded, at least 1), or a copy
 * when the image is already that small. Integer factors average whole blocks exactly.
 */
export function downsample(img: LinearImage, maxSide: number): LinearImage {
  return resample(img, maxSide, null);
}

/**
 * downsample, except that a channel which reached `clipLevel` anywhere in an output pixel's area
 * comes out at clipLevel: a merge of small frames must see that pixel as clipped, as the full-size
 * merge sees its clipped part, not as a darker value it would trust.
 */
export function downsampleKeepingClips(img: LinearImage, maxSide: number, clipLevel: number): LinearImage {
  return resample(img, maxSide, clipLevel);
}

/** Same as resampleRow, also flagging each output sample whose source samples reached `clip`. */
function resampleRowClipped(src: Float32Array, rowStart: number, ch: number, plan: AxisPlan, out: Float64Array, clip: number, flags: Uint8Array): void {
  const { start, count, offset, weight } = plan;
  for (let o = 0, n = start.length; o < n; o++) {
    const base = rowStart + start[o] * ch;
    const w0 = offset[o];
    const k = count[o];
    for (let c = 0; c < ch; c++) {
      let s = 0;
      let f = 0;
      for (let j = 0; j < k; j++) {
        const v = src[base + j * ch + c];
        s += weight[w0 + j] * v;
        if (v >= clip) f = 1;
      }
      out[o * ch + c] = s;
      flags[o * ch + c] = f;
    }
  }
}

function resample(img: LinearImage, maxSide: number, clipLevel: number | null): LinearImage {
  checkDownsample(img, maxSide);
  const { width: w, height: h, channels: ch } = img;
  const long = Math.max(w, h);
  if (long <= maxSide) {
    return { ...img, data: img.data.slice(), meta: { ...img.meta } };
  }
  const [ow, oh] = downsampledSize(w, h, maxSide);
  const out = createLinearImage(ow, oh, ch, { ...img.meta }, img.ev);
  const src = img.data;
  resampleInto(w, h, ch, out, clipLevel, (y) => [src, y * w * ch]);
  return out;
}

/**
 * Area-downsamples into `out` (already of downsample's size) a w x h image given row by row:
 * rowAt(y) names the array and offset where source row y starts.
 */
function resampleInto(w: number, h: number, ch: number, out: LinearImage, clipLevel: number | null, rowAt: (y: number) => readonly [Float32Array, number]): void {
  const { width: ow, height: oh } = out;
  const px = planAxis(w, ow);
  const py = planAxis(h, oh);
  const rowLen = ow * ch;
  const row = new Float64Array(rowLen);
  const acc = new Float64Array(rowLen);
  const rowFlags = clipLevel === null ? null : new Uint8Array(rowLen);
  const accFlags = clipLevel === null ? null : new Uint8Array(rowLen);
  const dst = out.data;
  // Rows are resampled horizontally once each, then accumulated into the output row they cover;
  // memory stays at two rows whatever the image size.
  let cachedRow = -1;
  for (let oy = 0; oy < oh; oy++) {
    acc.fill(0);
    accFlags?.fill(0);
    const y0 = py.start[oy];
    const wOff = py.offset[oy];
    for (let j = 0, k = py.count[oy]; j < k; j++) {
      const y = y0 + j;
      if (y !== cachedRow) {
        const [src, start] = rowAt(y);
        if (rowFlags) resampleRowClipped(src, start, ch, px, row, clipLevel!, rowFlags);
        else resampleRow(src, start, ch, px, row);
        cachedRow = y;
      }
      const wy = py.weight[wOff + j];
      for (let i = 0; i < rowLen; i++) acc[i] += wy * row[i];
      if (accFlags) for (let i = 0; i < rowLen; i++) accFlags[i] |= rowFlags![i];
    }
    dst.set(acc, oy * rowLen);
    if (accFlags) for (let i = 0, o = oy * rowLen; i < rowLen; i++) if (accFlags[i]) dst[o + i] = clipLevel!;
  }
}

/**
 * downsample of a one-channel w x h plane that is never held whole: readRow(y, row) fills source row
 * y (w samples), in increasing y, each row once. Gives what downsample gives for the plane.
 */
export function downsampleRows(w: number, h: number, maxSide: number, readRow: (y: number, row: Float32Array) => void): LinearImage {
  if (!(Number.isInteger(w) && w > 0 && Number.isInteger(h) && h > 0)) throw new RangeError(`bad plane size ${w}x${h}`);
  if (!Number.isInteger(maxSide) || maxSide < 1) throw new RangeError(`maxSide must be a positive integer, got ${maxSide}`);
  const [ow, oh] = Math.max(w, h) <= maxSide ? [w, h] : downsampledSize(w, h, maxSide);
  const out = createLinearImage(ow, oh, 1, {}, 0);
  const row = new Float32Array(w);
  if (ow === w && oh === h) {
    for (let y = 0; y < h; y++) readRow(y, out.data.subarray(y * w, (y + 1) * w));
    return out;
  }
  resampleInto(w, h, 1, out, null, (y) => {
    readRow(y, row);
    return [row, 0];
  });
  return out;
}

/**
 * An image of downsample's size whose every pixel is the source pixel at the centre of the area
 * downsample averages for it: real samples (their codes and noise), for fits that need them, such
 * as a camera response, on downsample's grid.
 */
export function pointSample(img: LinearImage, maxSide: number): LinearImage {
  checkDownsample(img, maxSide);
  const { width: w, height: h, channels: ch, data: src } = img;
  if (Math.max(w, h) <= maxSide) return { ...img, data: img.data.slice(), meta: { ...img.meta } };
  const [ow, oh] = downsampledSize(w, h, maxSide);
  const out = createLinearImage(ow, oh, ch, { ...img.meta }, img.ev);
  const dst = out.data;
  for (let oy = 0; oy < oh; oy++) {
    const y = Math.min(h - 1, Math.floor(((oy + 0.5) * h) / oh));
    for (let ox = 0; ox < ow; ox++) {
      const x = Math.min(w - 1, Math.floor(((ox + 0.5) * w) / ow));
      const i = (y * w + x) * ch;
      const o = (oy * ow + ox) * ch;
      for (let c = 0; c < ch; c++) dst[o + c] = src[i + c];
    }
  }
  return out;
}
