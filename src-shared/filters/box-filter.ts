/**
 * Mean over a (2r+1) x (2r+1) window of a single float plane, clipped at the borders (the mean of
 * the pixels inside the image, as He's boxfilter(I, r) ./ boxfilter(ones, r)). Running sums make
 * it O(1) per pixel whatever the radius: a horizontal pass per row, then column sums rolled down.
 */

/** Reusable scratch for boxFilter: one plane of row sums and one row of column sums. */
export interface BoxScratch {
  rows: Float32Array;
  cols: Float64Array;
}

export function createBoxScratch(width: number, height: number): BoxScratch {
  return { rows: new Float32Array(width * height), cols: new Float64Array(width) };
}

function checkPlane(name: string, a: Float32Array, n: number): void {
  if (a.length !== n) throw new RangeError(`${name} must hold ${n} samples, got ${a.length}`);
}

/** 1 / (number of samples inside the window) along one axis of length len. */
function inverseCounts(len: number, r: number): Float64Array {
  const inv = new Float64Array(len);
  for (let i = 0; i < len; i++) inv[i] = 1 / (Math.min(len - 1, i + r) - Math.max(0, i - r) + 1);
  return inv;
}

/** Window sums along each row of src into rows (not normalised). */
function rowSums(src: Float32Array, rows: Float32Array, w: number, h: number, r: number): void {
  // Three spans per row so the inner loops have no bounds tests: the window grows (x + r enters,
  // nothing leaves), slides (one enters, one leaves), then shrinks. Spans clip for r >= w.
  const grow = Math.min(w, r + 1);
  const slideEnd = Math.max(grow, w - r);
  for (let y = 0, base = 0; y < h; y++, base += w) {
    let s = 0;
    const head = Math.min(r, w);
    for (let x = 0; x < head; x++) s += src[base + x];
    let x = 0;
    for (; x < grow; x++) {
      if (x + r < w) s += src[base + x + r];
      rows[base + x] = s;
    }
    for (; x < slideEnd; x++) {
      s += src[base + x + r] - src[base + x - r - 1];
      rows[base + x] = s;
    }
    for (; x < w; x++) {
      if (x - r - 1 >= 0) s -= src[base + x - r - 1];
      rows[base + x] = s;
    }
  }
}

/**
 * Box mean of src (width x height, one sample per pixel) into out (may be src itself).
 * radius 0 copies. Sums run in doubles, so planes of 24 MP keep float32 precision.
 */
export function boxFilter(
  src: Float32Array,
  width: number,
  height: number,
  radius: number,
  out?: Float32Array,
  scratch?: BoxScratch,
): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`plane size must be positive integers, got ${width}x${height}`);
  }
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a non-negative integer, got ${radius}`);
  const n = width * height;
  checkPlane('source', src, n);
  const dst = out ?? new Float32Array(n);
  checkPlane('output', dst, n);
  if (radius === 0) {
    if (dst !== src) dst.set(src);
    return dst;
  }
  const ws = scratch ?? createBoxScratch(width, height);
  checkPlane('scratch rows', ws.rows, n);
  if (ws.cols.length < width) throw new RangeError(`scratch columns must hold ${width} sums, got ${ws.cols.length}`);
  const { rows, cols } = ws;
  const w = width;
  const h = height;
  const r = radius;
  rowSums(src, rows, w, h, r);
  const invX = inverseCounts(w, r);
  const invY = inverseCounts(h, r);
  cols.fill(0, 0, w);
  const head = Math.min(r, h);
  for (let y = 0; y < head; y++) {
    const b = y * w;
    for (let x = 0; x < w; x++) cols[x] += rows[b + x];
  }
  for (let y = 0; y < h; y++) {
    const enter = y + r < h ? (y + r) * w : -1;
    const leave = y - r - 1 >= 0 ? (y - r - 1) * w : -1;
    if (enter >= 0 && leave >= 0) {
      for (let x = 0; x < w; x++) cols[x] += rows[enter + x] - rows[leave + x];
    } else if (enter >= 0) {
      for (let x = 0; x < w; x++) cols[x] += rows[enter + x];
    } else if (leave >= 0) {
      for (let x = 0; x < w; x++) cols[x] -= rows[leave + x];
    }
    const iy = invY[y];
    const b = y * w;
    for (let x = 0; x < w; x++) dst[b + x] = cols[x] * invX[x] * iy;
  }
  return dst;
}
