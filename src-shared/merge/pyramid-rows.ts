/**
 * Row-streaming pyramid kernels (5-tap 1-4-6-4-1, OpenCV's pyrDown / pyrUp borders):
 * RowReducer takes the rows of a plane in order and writes its reduced plane; RowExpander
 * hands out the rows of expand(coarse) one at a time. Neither holds more than a few rows,
 * so callers can fuse their own per-row work and never build full-size temporaries.
 */

/** A float image plane, channels interleaved; a LinearImage is one. */
export interface FloatPlane {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export function createPlane(width: number, height: number, channels: number): FloatPlane {
  if (!(width >= 1 && height >= 1 && channels >= 1) || !Number.isInteger(width * height * channels)) {
    throw new RangeError(`bad plane size ${width}x${height}x${channels}`);
  }
  return { width, height, channels, data: new Float32Array(width * height * channels) };
}

/** Size of the next coarser level along one axis. */
export const reducedSize = (n: number): number => (n + 1) >> 1;

/** Reflect-101 (mirror without repeating the edge sample), repeated for indices far outside. */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - i;
}

/** Coarse index for expand: mirrored at the start, edge repeated at the end (OpenCV's pyrUp rule). */
const coarseIndex = (i: number, n: number): number => (i < 0 ? (n > 1 ? 1 : 0) : i >= n ? n - 1 : i);

/** Blurs one row horizontally and keeps every second sample. */
function reduceRow(src: Float32Array, s0: number, w: number, ch: number, out: Float32Array, o0: number): void {
  const ow = reducedSize(w);
  const c2 = 2 * ch;
  for (let ox = 0; ox < ow; ox++) {
    const x = 2 * ox;
    const o = o0 + ox * ch;
    if (x >= 2 && x + 2 < w) {
      for (let c = 0, i = s0 + x * ch; c < ch; c++, i++) {
        out[o + c] = (src[i - c2] + src[i + c2] + 4 * (src[i - ch] + src[i + ch]) + 6 * src[i]) * 0.0625;
      }
    } else {
      const a = s0 + reflect(x - 2, w) * ch;
      const b = s0 + reflect(x - 1, w) * ch;
      const m = s0 + x * ch;
      const d = s0 + reflect(x + 1, w) * ch;
      const e = s0 + reflect(x + 2, w) * ch;
      for (let c = 0; c < ch; c++) {
        out[o + c] = (src[a + c] + src[e + c] + 4 * (src[b + c] + src[d + c]) + 6 * src[m + c]) * 0.0625;
      }
    }
  }
}

/**
 * Push the rows of a width x height plane in order; out (the reduced size) fills as rows allow. With a band,
 * only out's rows [from, to) are written, and the rows to push start at firstSourceRow(from) (two threads
 * can each reduce a band of one plane into the same out).
 */
export class RowReducer {
  private readonly ring: Float32Array;
  private readonly rowLen: number;
  private pushed: number;
  private emitted: number;
  private readonly to: number;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly channels: number,
    readonly out: FloatPlane,
    from = 0,
    to = out.height,
  ) {
    if (out.width !== reducedSize(width) || out.height !== reducedSize(height) || out.channels !== channels) {
      throw new RangeError(`reduce of ${width}x${height}x${channels} must go to ${reducedSize(width)}x${reducedSize(height)}x${channels}`);
    }
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= out.height)) {
      throw new RangeError(`bad band of reduced rows ${from}..${to} of ${out.height}`);
    }
    this.rowLen = out.width * channels;
    this.pushed = RowReducer.firstSourceRow(from);
    this.emitted = from;
    this.to = to;
    // Five taps span five consecutive rows; eight slots keep every row an output still needs.
    this.ring = new Float32Array(8 * this.rowLen);
  }

  /** The first source row a band from reduced row `from` reads (its taps reach two rows up). */
  static firstSourceRow(from: number): number {
    return Math.max(0, 2 * from - 2);
  }

  /** The row the next push is taken to be. */
  get nextRow(): number {
    return this.pushed;
  }

  /** Row `pushed` of the source, starting at src[offset]. */
  push(src: Float32Array, offset: number): void {
    const y = this.pushed++;
    if (y >= this.height) throw new RangeError('RowReducer: more rows than the plane has');
    reduceRow(src, offset, this.width, this.channels, this.ring, (y & 7) * this.rowLen);
    const h = this.height;
    while (this.emitted < this.to) {
      const oy = this.emitted;
      const t0 = reflect(2 * oy - 2, h);
      const t1 = reflect(2 * oy - 1, h);
      const t2 = 2 * oy;
      const t3 = reflect(2 * oy + 1, h);
      const t4 = reflect(2 * oy + 2, h);
      if (Math.max(t0, t1, t2, t3, t4) > y) break;
      this.emit(oy, t0, t1, t2, t3, t4);
      this.emitted++;
    }
  }

  private emit(oy: number, t0: number, t1: number, t2: number, t3: number, t4: number): void {
    const n = this.rowLen;
    const r = this.ring;
    const a = (t0 & 7) * n;
    const b = (t1 & 7) * n;
    const m = (t2 & 7) * n;
    const c = (t3 & 7) * n;
    const e = (t4 & 7) * n;
    const d = this.out.data;
    const o = oy * n;
    for (let i = 0; i < n; i++) d[o + i] = (r[a + i] + r[e + i] + 4 * (r[b + i] + r[c + i]) + 6 * r[m + i]) * 0.0625;
  }
}

/** expand along a row: even x = 2i is (c[i-1] + 6 c[i] + c[i+1]) / 8, odd x = 2i+1 is (c[i] + c[i+1]) / 2. */
function expandRow(src: Float32Array, s0: number, cw: number, w: number, ch: number, out: Float32Array, o0: number): void {
  for (let x = 0; x < w; x++) {
    const o = o0 + x * ch;
    const i = x >> 1;
    const m = s0 + i * ch;
    const b = s0 + coarseIndex(i + 1, cw) * ch;
    if ((x & 1) === 1) {
      for (let c = 0; c < ch; c++) out[o + c] = (src[m + c] + src[b + c]) * 0.5;
    } else {
      const a = s0 + coarseIndex(i - 1, cw) * ch;
      for (let c = 0; c < ch; c++) out[o + c] = (src[a + c] + src[b + c] + 6 * src[m + c]) * 0.125;
    }
  }
}

/** Rows of expand(coarse) to width x height (coarse must be its reduced size), on demand. */
export class RowExpander {
  private readonly ring: Float32Array;
  private readonly tag = new Int32Array(4).fill(-1);
  /** The last row handed out; overwritten by the next call. */
  readonly row: Float32Array;

  constructor(
    private readonly coarse: FloatPlane,
    readonly width: number,
    readonly height: number,
  ) {
    if (coarse.width !== reducedSize(width) || coarse.height !== reducedSize(height)) {
      throw new RangeError(`cannot expand ${coarse.width}x${coarse.height} to ${width}x${height}`);
    }
    this.row = new Float32Array(width * coarse.channels);
    // A fine row needs at most three consecutive coarse rows.
    this.ring = new Float32Array(4 * this.row.length);
  }

  private slot(j: number): number {
    const { coarse } = this;
    j = coarseIndex(j, coarse.height);
    const s = j & 3;
    const n = this.row.length;
    if (this.tag[s] !== j) {
      expandRow(coarse.data, j * coarse.width * coarse.channels, coarse.width, this.width, coarse.channels, this.ring, s * n);
      this.tag[s] = j;
    }
    return s * n;
  }

  /** Fills `row` with row y of the expanded plane and returns it. */
  get(y: number): Float32Array {
    const j = y >> 1;
    const n = this.row.length;
    const r = this.ring;
    const out = this.row;
    if ((y & 1) === 0) {
      const a = this.slot(j - 1);
      const m = this.slot(j);
      const b = this.slot(j + 1);
      for (let i = 0; i < n; i++) out[i] = (r[a + i] + r[b + i] + 6 * r[m + i]) * 0.125;
    } else {
      const a = this.slot(j);
      const b = this.slot(j + 1);
      for (let i = 0; i < n; i++) out[i] = (r[a + i] + r[b + i]) * 0.5;
    }
    return out;
  }
}
