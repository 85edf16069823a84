/**
 * Resamples a frame onto the reference frame's pixel grid (bilinear; whole-pixel shifts are exact
 * copies) and says which part of the result came from inside the frame.
 */
import type { LinearImage } from '../image/linear-image';
import { applyAffine, invertAffine, type Affine, type AlignTransform } from './transform';
import { frameSamples } from '../image/samples';

/** Pixel rectangle, x/y of its top-left pixel. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WarpResult {
  /** The resampled frame; outside `valid` its pixels repeat the frame's nearest edge. */
  image: LinearImage;
  /** The largest axis-aligned rectangle every pixel of which was sampled from inside the frame. */
  valid: Rect;
}

const EPS = 1e-6;

const isIdentity = (m: Affine): boolean =>
  Math.abs(m[0] - 1) < 1e-9 && Math.abs(m[1]) < 1e-9 && Math.abs(m[2]) < 1e-6 && Math.abs(m[3]) < 1e-9 && Math.abs(m[4] - 1) < 1e-9 && Math.abs(m[5]) < 1e-6;

/** The integer shift m is, or null when it is anything else. */
function wholeShift(m: Affine): [number, number] | null {
  if (Math.abs(m[0] - 1) > 1e-9 || Math.abs(m[1]) > 1e-9 || Math.abs(m[3]) > 1e-9 || Math.abs(m[4] - 1) > 1e-9) return null;
  const dx = Math.round(m[2]);
  const dy = Math.round(m[5]);
  return Math.abs(m[2] - dx) < 1e-3 && Math.abs(m[5] - dy) < 1e-3 ? [dx, dy] : null;
}

/** Where output pixel (x, y) samples inside [0, w-1] x [0, h-1] of the source: the inscribed axis-aligned rectangle. */
export function coverageRect(matrix: Affine, width: number, height: number): Rect {
  const inv = invertAffine(matrix);
  // The source rectangle's corners in reference coordinates: a convex quad.
  const [tl, tr, bl, br] = [
    applyAffine(inv, 0, 0),
    applyAffine(inv, width - 1, 0),
    applyAffine(inv, 0, height - 1),
    applyAffine(inv, width - 1, height - 1),
  ];
  // For a quad turned by less than 45 degrees, the box inside its innermost corners is inside it.
  let x0 = Math.max(0, Math.ceil(Math.max(tl[0], bl[0]) - EPS));
  let x1 = Math.min(width - 1, Math.floor(Math.min(tr[0], br[0]) + EPS));
  let y0 = Math.max(0, Math.ceil(Math.max(tl[1], tr[1]) - EPS));
  let y1 = Math.min(height - 1, Math.floor(Math.min(bl[1], br[1]) + EPS));
  const inside = (x: number, y: number): boolean => {
    const [u, v] = applyAffine(matrix, x, y);
    return u >= -EPS && v >= -EPS && u <= width - 1 + EPS && v <= height - 1 + EPS;
  };
  // Guards what the corner rule assumes: shrink until every corner maps inside.
  while (x0 <= x1 && y0 <= y1 && !(inside(x0, y0) && inside(x1, y0) && inside(x0, y1) && inside(x1, y1))) {
    x0++;
    y0++;
    x1--;
    y1--;
  }
  if (x0 > x1 || y0 > y1) return { x: 0, y: 0, width: 0, height: 0 };
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export function intersectRects(a: Rect, b: Rect): Rect {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : { x: x0, y: y0, width: 0, height: 0 };
}

function shiftCopy(frame: LinearImage, dx: number, dy: number): Float32Array {
  const { width: w, height: h, channels: ch, data } = frame;
  const out = frameSamples(w * h * ch);
  const row = w * ch;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y + dy));
    const src = sy * row;
    const dst = y * row;
    // Inner span is one copy; the columns beyond the frame repeat its edge.
    const xa = Math.min(w, Math.max(0, -dx));
    const xb = Math.max(xa, Math.min(w, w - dx));
    if (xb > xa) out.set(data.subarray(src + (xa + dx) * ch, src + (xb + dx) * ch), dst + xa * ch);
    for (let x = 0; x < xa; x++) for (let c = 0; c < ch; c++) out[dst + x * ch + c] = data[src + Math.min(w - 1, Math.max(0, x + dx)) * ch + c];
    for (let x = xb; x < w; x++) for (let c = 0; c < ch; c++) out[dst + x * ch + c] = data[src + Math.min(w - 1, Math.max(0, x + dx)) * ch + c];
  }
  return out;
}

function bilinear(frame: LinearImage, m: Affine): Float32Array {
  const { width: w, height: h, channels: ch, data } = frame;
  const out = frameSamples(w * h * ch);
  const maxX = w - 1;
  const maxY = h - 1;
  let o = 0;
  for (let y = 0; y < h; y++) {
    let sx = m[1] * y + m[2];
    let sy = m[4] * y + m[5];
    for (let x = 0; x < w; x++, sx += m[0], sy += m[3]) {
      // Clamping the position repeats the edge outside the frame.
      const px = sx < 0 ? 0 : sx > maxX ? maxX : sx;
      const py = sy < 0 ? 0 : sy > maxY ? maxY : sy;
      let ix = Math.floor(px);
      let iy = Math.floor(py);
      if (ix >= maxX) ix = Math.max(0, maxX - 1);
      if (iy >= maxY) iy = Math.max(0, maxY - 1);
      const fx = w > 1 ? px - ix : 0;
      const fy = h > 1 ? py - iy : 0;
      const i00 = (iy * w + ix) * ch;
      const i01 = w > 1 ? i00 + ch : i00;
      const i10 = h > 1 ? i00 + w * ch : i00;
      const i11 = h > 1 ? i01 + w * ch : i01;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      for (let c = 0; c < ch; c++) {
        out[o++] = w00 * data[i00 + c] + w01 * data[i01 + c] + w10 * data[i10 + c] + w11 * data[i11 + c];
      }
    }
  }
  return out;
}

/**
 * The frame resampled so that pixel (x, y) shows what the reference shows there. An identity
 * transform returns the frame itself (no copy); anything else allocates exactly one new buffer.
 */
export function warpFrame(frame: LinearImage, transform: AlignTransform | Affine): WarpResult {
  const m: Affine = Array.isArray(transform) ? transform : transform.matrix;
  const { width: w, height: h } = frame;
  if (frame.data.length !== w * h * frame.channels) throw new RangeError(`frame data has ${frame.data.length} samples, expected ${w * h * frame.channels}`);
  if (!m.every(Number.isFinite)) throw new RangeError('transform is not finite');
  if (isIdentity(m)) return { image: frame, valid: { x: 0, y: 0, width: w, height: h } };
  const shift = wholeShift(m);
  const data = shift ? shiftCopy(frame, shift[0], shift[1]) : bilinear(frame, m);
  return { image: { ...frame, data, meta: { ...frame.meta } }, valid: coverageRect(m, w, h) };
}
