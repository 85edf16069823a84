/** Separable 'valid' correlation of a plane with a square window given by its 1-D factor (MATLAB filter2(w' * w, I, 'valid')). */

/** Reusable buffers for filterValid, so a loop over many products allocates nothing. */
export interface FilterScratch {
  /** Horizontally filtered rows: (width - size + 1) x height. */
  rows: Float64Array;
}

export function createFilterScratch(width: number, height: number, size: number): FilterScratch {
  return { rows: new Float64Array(Math.max(0, width - size + 1) * height) };
}

/**
 * out(x, y) = sum_{i,j} w[i] w[j] plane(x + i, y + j) for every window inside the plane; out is
 * (width - size + 1) x (height - size + 1), row-major, and is allocated when not given.
 */
export function filterValid(
  plane: Float64Array,
  width: number,
  height: number,
  w: Float64Array,
  scratch: FilterScratch = createFilterScratch(width, height, w.length),
  out?: Float64Array,
): Float64Array {
  const size = w.length;
  const ow = width - size + 1;
  const oh = height - size + 1;
  if (ow < 1 || oh < 1) throw new RangeError(`a ${width}x${height} plane has no ${size}x${size} window inside it`);
  if (plane.length !== width * height) throw new RangeError(`plane has ${plane.length} samples for ${width}x${height}`);
  const rows = scratch.rows;
  if (rows.length < ow * height) throw new RangeError('filter scratch is too small for this plane');
  const dst = out ?? new Float64Array(ow * oh);
  if (dst.length !== ow * oh) throw new RangeError(`output must hold ${ow * oh} samples, got ${dst.length}`);
  for (let y = 0; y < height; y++) {
    const src0 = y * width;
    const r0 = y * ow;
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let i = 0, p = src0 + x; i < size; i++, p++) s += w[i] * plane[p];
      rows[r0 + x] = s;
    }
  }
  // Vertical pass row by row over the whole output row, so the inner loop walks memory in order.
  dst.fill(0, 0, ow * oh);
  for (let y = 0; y < oh; y++) {
    const d0 = y * ow;
    for (let j = 0; j < size; j++) {
      const wj = w[j];
      const r0 = (y + j) * ow;
      for (let x = 0; x < ow; x++) dst[d0 + x] += wj * rows[r0 + x];
    }
  }
  return dst;
}
