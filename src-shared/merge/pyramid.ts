/**
 * Gaussian and Laplacian image pyramids (Burt-Adelson) with the 5-tap 1-4-6-4-1 kernel, for
 * interleaved float planes of any size and channel count. Borders follow OpenCV's pyrDown /
 * pyrUp (reflect-101; pyrUp repeats the last coarse sample) so results match it to rounding.
 * reduce halves rounding up ((n + 1) >> 1) and expand goes back to the exact finer size, so
 * odd sizes round-trip. Built on the row-streaming kernels: no full-size temporaries.
 */
import { createPlane, reducedSize, RowExpander, RowReducer, type FloatPlane } from './pyramid-rows';

export { createPlane, reducedSize, type FloatPlane } from './pyramid-rows';

/** Levels (including the full-size one) until the shorter side reaches 1-2 px, as OpenCV's MergeMertens. */
export function maxPyramidLevels(width: number, height: number): number {
  return Math.floor(Math.log2(Math.min(width, height))) + 1;
}

function checkPlane(p: FloatPlane, what: string): void {
  if (p.data.length !== p.width * p.height * p.channels) {
    throw new RangeError(`${what} has ${p.data.length} samples, expected ${p.width}x${p.height}x${p.channels}`);
  }
}

/** Blurs with the 5-tap kernel and subsamples by 2 in both directions. */
export function reduce(src: FloatPlane, out?: FloatPlane): FloatPlane {
  checkPlane(src, 'reduce source');
  const { width: w, height: h, channels: ch } = src;
  const dst = out ?? createPlane(reducedSize(w), reducedSize(h), ch);
  const reducer = new RowReducer(w, h, ch, dst);
  for (let y = 0; y < h; y++) reducer.push(src.data, y * w * ch);
  return dst;
}

export type ExpandMode = 'set' | 'add' | 'subtract';

/** fine = / += / -= expand(coarse), where coarse is the reduced size of fine. */
export function expandInto(coarse: FloatPlane, fine: FloatPlane, mode: ExpandMode): FloatPlane {
  checkPlane(coarse, 'expand source');
  checkPlane(fine, 'expand target');
  const { width: W, height: H, channels: ch } = fine;
  if (coarse.channels !== ch) throw new RangeError(`cannot expand ${coarse.channels} channels into ${ch}`);
  const ex = new RowExpander(coarse, W, H);
  const d = fine.data;
  const n = W * ch;
  for (let y = 0; y < H; y++) {
    const row = ex.get(y);
    const o = y * n;
    if (mode === 'set') d.set(row, o);
    else if (mode === 'add') for (let i = 0; i < n; i++) d[o + i] += row[i];
    else for (let i = 0; i < n; i++) d[o + i] -= row[i];
  }
  return fine;
}

/** Upsamples coarse to width x height (its finer level) with the 5-tap kernel. */
export function expand(coarse: FloatPlane, width: number, height: number, out?: FloatPlane): FloatPlane {
  const dst = out ?? createPlane(width, height, coarse.channels);
  if (dst.width !== width || dst.height !== height) throw new RangeError(`expand output must be ${width}x${height}`);
  return expandInto(coarse, dst, 'set');
}

/** Level 0 is the input itself (not copied); level i+1 = reduce(level i). */
export function gaussianPyramid(plane: FloatPlane, levels: number = maxPyramidLevels(plane.width, plane.height)): FloatPlane[] {
  if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`levels must be a positive integer, got ${levels}`);
  const pyr = [plane];
  for (let l = 1; l < levels; l++) pyr.push(reduce(pyr[l - 1]));
  return pyr;
}

/** Band-pass levels L_i = G_i - expand(G_i+1), the last level the coarsest Gaussian; the input is not modified. */
export function laplacianPyramid(plane: FloatPlane, levels: number = maxPyramidLevels(plane.width, plane.height)): FloatPlane[] {
  const pyr = gaussianPyramid(plane, levels);
  pyr[0] = { ...plane, data: plane.data.slice() };
  for (let l = 0; l + 1 < levels; l++) expandInto(pyr[l + 1], pyr[l], 'subtract');
  return pyr;
}

/**
 * Rebuilds the image from a Laplacian pyramid. With inPlace the levels are summed into the
 * pyramid's own buffers (no allocation; the pyramid is destroyed and level 0 is the result).
 */
export function collapse(pyr: FloatPlane[], inPlace = false): FloatPlane {
  if (pyr.length === 0) throw new RangeError('cannot collapse an empty pyramid');
  const levels = inPlace ? pyr : pyr.map((p) => ({ ...p, data: p.data.slice() }));
  for (let l = levels.length - 2; l >= 0; l--) expandInto(levels[l + 1], levels[l], 'add');
  return levels[0];
}
