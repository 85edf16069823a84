/**
 * Binary morphology on 0/1 masks (Uint8Array, row-major w x h) with square structuring elements,
 * separable and O(1) per pixel whatever the radius (running counts per row, then per column).
 * Windows are clipped at the borders: the image edge neither erodes nor dilates a mask.
 */

function checkMask(mask: Uint8Array, w: number, h: number): void {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w <= 0 || h <= 0) throw new RangeError(`mask size must be positive integers, got ${w}x${h}`);
  if (mask.length !== w * h) throw new RangeError(`mask holds ${mask.length} samples, expected ${w * h}`);
}

/**
 * One pass along rows (step 1, lines h) or columns (step w, lines w): out = 1 where any (dilate)
 * or every (erode) sample within r along the line is 1.
 */
function pass(src: Uint8Array, out: Uint8Array, len: number, lines: number, step: number, lineStep: number, r: number, every: boolean): void {
  const prefix = new Int32Array(len + 1);
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    for (let i = 0; i < len; i++) prefix[i + 1] = prefix[i] + src[base + i * step];
    for (let i = 0; i < len; i++) {
      const a = i - r < 0 ? 0 : i - r;
      const b = i + r + 1 > len ? len : i + r + 1;
      const count = prefix[b] - prefix[a];
      out[base + i * step] = every ? (count === b - a ? 1 : 0) : count > 0 ? 1 : 0;
    }
  }
}

function separable(mask: Uint8Array, w: number, h: number, r: number, every: boolean): Uint8Array {
  checkMask(mask, w, h);
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`radius must be a non-negative integer, got ${r}`);
  if (r === 0) return Uint8Array.from(mask);
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  pass(mask, tmp, w, h, 1, w, r, every);
  pass(tmp, out, h, w, w, 1, r, every);
  return out;
}

/** 1 where any pixel of the (2r+1)^2 square around is 1. */
export function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  return separable(mask, w, h, r, false);
}

/** 1 where every pixel of the (2r+1)^2 square around (inside the image) is 1. */
export function erode(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  return separable(mask, w, h, r, true);
}

/** Erode then dilate: drops specks smaller than the square, keeps larger shapes' extent. */
export function open(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  return dilate(erode(mask, w, h, r), w, h, r);
}

/**
 * Dilate then erode: bridges gaps and fills dents narrower than the square. Worked on a copy padded
 * by r with 0, so what the dilation pushes past the border comes back: a shape near the edge does
 * not grow onto it.
 */
export function close(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  checkMask(mask, w, h);
  const pw = w + 2 * r;
  const ph = h + 2 * r;
  const padded = new Uint8Array(pw * ph);
  for (let y = 0; y < h; y++) padded.set(mask.subarray(y * w, (y + 1) * w), (y + r) * pw + r);
  const closed = erode(dilate(padded, pw, ph, r), pw, ph, r);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(closed.subarray((y + r) * pw + r, (y + r) * pw + r + w), y * w);
  return out;
}

/**
 * Sets the holes of the mask (4-connected regions of 0 that do not touch the border) of at most
 * maxArea pixels to 1: the inside of an object whose middle looked like what it covered.
 */
export function fillHoles(mask: Uint8Array, w: number, h: number, maxArea: number): Uint8Array {
  checkMask(mask, w, h);
  const out = Uint8Array.from(mask);
  // Each 0-region is flooded once; its pixels are listed, then filled if it is small and enclosed.
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const region = new Int32Array(w * h);
  const visit = (q: number, top: number): number => {
    if (seen[q] || mask[q] !== 0) return top;
    seen[q] = 1;
    stack[top] = q;
    return top + 1;
  };
  for (let start = 0; start < w * h; start++) {
    if (mask[start] !== 0 || seen[start]) continue;
    let top = 0;
    let size = 0;
    let border = false;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top];
      region[size++] = p;
      const x = p % w;
      const y = (p - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) border = true;
      if (x > 0) top = visit(p - 1, top);
      if (x < w - 1) top = visit(p + 1, top);
      if (y > 0) top = visit(p - w, top);
      if (y < h - 1) top = visit(p + w, top);
    }
    if (!border && size <= maxArea) for (let i = 0; i < size; i++) out[region[i]] = 1;
  }
  return out;
}

/** Fraction of the mask's pixels that are 1. */
export function maskArea(mask: Uint8Array): number {
  let s = 0;
  for (let p = 0; p < mask.length; p++) s += mask[p];
  return mask.length === 0 ? 0 : s / mask.length;
}
