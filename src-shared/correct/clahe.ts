/**
 * CLAHE (contrast-limited adaptive histogram equalisation; Zuiderveld, Graphics Gems IV, 1994) of an
 * 8-bit plane, step for step as OpenCV's cv::CLAHE (imgproc/src/clahe.cpp) does it, so that
 * createCLAHE(clipLimit, (tilesX, tilesY)).apply() and this give the same codes: a plane whose size is
 * not a multiple of the tile grid is extended at its right and bottom by reflection (BORDER_REFLECT_101;
 * a side that is a multiple still gets one whole tile more, as OpenCV does) before the tile histograms;
 * each histogram is clipped at floor(clipLimit * tile area / 256) (at least 1) and the excess spread
 * evenly, the remainder one count per bin from bin 0 in steps of 256 / remainder; each tile's LUT is its
 * cumulative histogram times 255 / tile area; every pixel then interpolates bilinearly between the LUTs
 * of the four nearest tile centres (the nearest one or two at the borders). Float32 arithmetic and
 * round-half-to-even as OpenCV's saturate_cast, so ties land the same way.
 */

export interface ClaheOptions {
  /** Contrast limit as a multiple of the mean bin count; 0 or less: no limit (plain adaptive equalisation). Default 2, as OpenCV's. */
  clipLimit?: number;
  /** Tiles across. Default 8, as OpenCV's. */
  tilesX?: number;
  /** Tiles down. Default 8, as OpenCV's. */
  tilesY?: number;
}

const BINS = 256;
const f32 = Math.fround;

/** Index into 0..n-1 of a position reflected about the edges without repeating them (gfedcb|abcdefgh|gfedcba). */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let k = ((i % period) + period) % period;
  if (k >= n) k = period - k;
  return k;
}

/** cvRound: the nearest integer, ties to even, saturated to 0..255. */
function roundCode(v: number): number {
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1;
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** The 256-entry LUT of every tile, tile (tx, ty) at offset (ty * tilesX + tx) * 256. */
function tileLuts(plane: Uint8Array, width: number, height: number, tilesX: number, tilesY: number, clipLimit: number): { luts: Uint8Array; tileW: number; tileH: number } {
  const exact = width % tilesX === 0 && height % tilesY === 0;
  const extW = exact ? width : width + tilesX - (width % tilesX);
  const extH = exact ? height : height + tilesY - (height % tilesY);
  const tileW = extW / tilesX;
  const tileH = extH / tilesY;
  const total = tileW * tileH;
  const lutScale = f32(f32(BINS - 1) / total);
  const limit = clipLimit > 0 ? Math.max(Math.trunc((clipLimit * total) / BINS), 1) : 0;
  const colOf = Int32Array.from({ length: extW }, (_, x) => reflect101(x, width));
  const luts = new Uint8Array(tilesX * tilesY * BINS);
  const hist = new Int32Array(BINS);
  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      hist.fill(0);
      for (let y = ty * tileH; y < (ty + 1) * tileH; y++) {
        const row = reflect101(y, height) * width;
        for (let x = tx * tileW; x < (tx + 1) * tileW; x++) hist[plane[row + colOf[x]]]++;
      }
      if (limit > 0) {
        let clipped = 0;
        for (let i = 0; i < BINS; i++) {
          if (hist[i] > limit) {
            clipped += hist[i] - limit;
            hist[i] = limit;
          }
        }
        const batch = Math.trunc(clipped / BINS);
        let residual = clipped - batch * BINS;
        for (let i = 0; i < BINS; i++) hist[i] += batch;
        if (residual !== 0) {
          const step = Math.max(Math.trunc(BINS / residual), 1);
          for (let i = 0; i < BINS && residual > 0; i += step, residual--) hist[i]++;
        }
      }
      const base = (ty * tilesX + tx) * BINS;
      let sum = 0;
      for (let i = 0; i < BINS; i++) {
        sum += hist[i];
        luts[base + i] = roundCode(f32(sum * lutScale));
      }
    }
  }
  return { luts, tileW, tileH };
}

/** Where a pixel coordinate falls between tile centres: the two tiles (clamped to the grid) and the weight of the second. */
function axisPlan(size: number, tileSize: number, tiles: number): { t1: Int32Array; t2: Int32Array; a: Float32Array } {
  const inv = f32(1 / tileSize);
  const t1 = new Int32Array(size);
  const t2 = new Int32Array(size);
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const tf = f32(f32(i * inv) - 0.5);
    const lo = Math.floor(tf);
    a[i] = tf - lo;
    t1[i] = Math.max(lo, 0);
    t2[i] = Math.min(lo + 1, tiles - 1);
  }
  return { t1, t2, a };
}

/** CLAHE of a width x height plane of 8-bit values; returns a new plane. */
export function clahe(plane: Uint8Array, width: number, height: number, options: ClaheOptions = {}): Uint8Array {
  const { clipLimit = 2, tilesX = 8, tilesY = 8 } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`plane size must be positive integers, got ${width}x${height}`);
  if (plane.length !== width * height) throw new RangeError(`plane has ${plane.length} samples for ${width}x${height}`);
  if (!Number.isInteger(tilesX) || !Number.isInteger(tilesY) || tilesX < 1 || tilesY < 1) throw new RangeError(`tile grid must be positive integers, got ${tilesX}x${tilesY}`);
  if (!Number.isFinite(clipLimit)) throw new RangeError(`clip limit must be finite, got ${clipLimit}`);
  const { luts, tileW, tileH } = tileLuts(plane, width, height, tilesX, tilesY, clipLimit);
  const px = axisPlan(width, tileW, tilesX);
  const py = axisPlan(height, tileH, tilesY);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const ya = py.a[y];
    const ya1 = f32(1 - ya);
    const l1 = py.t1[y] * tilesX;
    const l2 = py.t2[y] * tilesX;
    for (let x = 0; x < width; x++) {
      const v = plane[y * width + x];
      const xa = px.a[x];
      const xa1 = f32(1 - xa);
      const i1 = px.t1[x] * BINS + v;
      const i2 = px.t2[x] * BINS + v;
      const top = f32(f32(luts[l1 * BINS + i1] * xa1) + f32(luts[l1 * BINS + i2] * xa));
      const bottom = f32(f32(luts[l2 * BINS + i1] * xa1) + f32(luts[l2 * BINS + i2] * xa));
      out[y * width + x] = roundCode(f32(f32(top * ya1) + f32(bottom * ya)));
    }
  }
  return out;
}
