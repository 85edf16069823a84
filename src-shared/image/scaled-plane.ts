/**
 * A one-channel plane made at a working size and read at a larger one by nearest lookup: full-size
 * column x reads working column cols[x], row y reads working row rows[y]. The ghost detectors work
 * at most 512-1536 px on the long side and upsample what they find; a full-size float plane is 96 MB
 * at 24 MP, this is the working plane and two small index maps.
 */
export interface ScaledPlane<T extends Float32Array | Uint8Array = Float32Array> {
  /** The size it is read at. */
  width: number;
  height: number;
  /** The working size of `data`. */
  workWidth: number;
  workHeight: number;
  data: T;
  /** Per full-size column (row): the working column (row) it reads. */
  cols: Int32Array;
  rows: Int32Array;
}

function checkSizes(work: number, full: number): void {
  if (!(Number.isInteger(work) && work > 0 && Number.isInteger(full) && full > 0)) throw new RangeError(`bad plane sizes: working ${work}, full ${full}`);
}

/** Nearest upsampling's source index per full-size index: the working pixel under the full-size pixel's centre. */
export function nearestIndex(work: number, full: number): Int32Array {
  checkSizes(work, full);
  const out = new Int32Array(full);
  for (let x = 0; x < full; x++) out[x] = Math.min(work - 1, Math.floor(((x + 0.5) * work) / full));
  return out;
}

/** Block upsampling's source index per full-size index: blocks of `factor`, the last block taking any remainder. */
export function blockIndex(work: number, full: number, factor: number): Int32Array {
  checkSizes(work, full);
  if (!(Number.isInteger(factor) && factor >= 1)) throw new RangeError(`block factor must be a whole number >= 1, got ${factor}`);
  const out = new Int32Array(full);
  for (let x = 0; x < full; x++) out[x] = Math.min(work - 1, Math.floor(x / factor));
  return out;
}

export function scaledPlane<T extends Float32Array | Uint8Array>(data: T, workWidth: number, workHeight: number, cols: Int32Array, rows: Int32Array): ScaledPlane<T> {
  if (data.length !== workWidth * workHeight) throw new RangeError(`plane data has ${data.length} samples, expected ${workWidth}x${workHeight}`);
  for (const [index, work] of [[cols, workWidth], [rows, workHeight]] as const) {
    for (let i = 0; i < index.length; i++) if (!(index[i] >= 0 && index[i] < work)) throw new RangeError(`plane index ${index[i]} outside 0..${work - 1}`);
  }
  return { width: cols.length, height: rows.length, workWidth, workHeight, data, cols, rows };
}

/** A plane already at its full size (identity maps). */
export function fullPlane<T extends Float32Array | Uint8Array>(data: T, width: number, height: number): ScaledPlane<T> {
  return scaledPlane(data, width, height, Int32Array.from({ length: width }, (_, i) => i), Int32Array.from({ length: height }, (_, i) => i));
}

/** Full-size row y into `out` (width samples). */
export function planeRow(p: ScaledPlane<Float32Array | Uint8Array>, y: number, out: Float32Array | Uint8Array): void {
  const { data, cols, workWidth } = p;
  const base = p.rows[y] * workWidth;
  for (let x = 0; x < cols.length; x++) out[x] = data[base + cols[x]];
}

/** The plane at full size (a new array; a plane already at full size gives a copy). */
export function expandPlane<T extends Float32Array | Uint8Array>(p: ScaledPlane<T>): T {
  const out = new (p.data.constructor as new (n: number) => T)(p.width * p.height);
  for (let y = 0; y < p.height; y++) planeRow(p, y, out.subarray(y * p.width, (y + 1) * p.width));
  return out;
}

/** Bytes the plane holds. */
export function planeBytes(p: ScaledPlane<Float32Array | Uint8Array>): number {
  return p.data.byteLength + p.cols.byteLength + p.rows.byteLength;
}

/** For a 0/1 plane: the fraction of full-size pixels set, counted from the working plane (each working pixel covers cols x rows of them). */
export function planeArea(p: ScaledPlane<Uint8Array>): number {
  const across = new Float64Array(p.workWidth);
  for (const c of p.cols) across[c]++;
  const down = new Float64Array(p.workHeight);
  for (const r of p.rows) down[r]++;
  let set = 0;
  for (let y = 0; y < p.workHeight; y++) {
    if (down[y] === 0) continue;
    let row = 0;
    for (let x = 0, o = y * p.workWidth; x < p.workWidth; x++) if (p.data[o + x]) row += across[x];
    set += row * down[y];
  }
  return set / (p.width * p.height);
}
