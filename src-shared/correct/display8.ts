/**
 * Linear display values (0..1) to 8-bit sRGB codes, rounded exactly (code k covers the linear
 * interval between the decodes of k - 0.5 and k + 0.5), without a pow per sample.
 */
import type { ProfileTransfer } from '../codecs/icc-trc';
import type { LinearImage, Rgba8Image } from '../image/linear-image';
import { srgbToLinear } from '../image/srgb';
import { readRootTable, transferEncodeTables } from '../image/transfer-tables';

let thresholds: Float64Array | undefined;

/** Linear value at which the 8-bit code steps from k to k + 1, for k = 0..254. */
function codeThresholds(): Float64Array {
  if (!thresholds) {
    thresholds = new Float64Array(255);
    for (let k = 0; k < 255; k++) thresholds[k] = srgbToLinear((k + 0.5) / 255);
  }
  return thresholds;
}

/** round(255 * srgbEncode(clamp(v, 0, 1))); NaN reads as 0. */
export function srgbCode(v: number, t = codeThresholds()): number {
  if (!(v > t[0])) return 0;
  let lo = 0;
  let hi = 255;
  // Invariant: t[lo - 1] < v <= ... ; find the number of thresholds below v.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * An opaque 8-bit sRGB image of a 3-channel linear display image; given `transfer` (the frames' profile's tone curves,
 * for an output that keeps that profile: iccTransfer), encoded with those curves instead.
 */
export function toSrgb8(img: LinearImage, transfer: ProfileTransfer | null = null): Rgba8Image {
  if (img.channels !== 3) throw new RangeError(`toSrgb8 takes 3-channel images, got ${img.channels}`);
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 4);
  if (transfer && !transfer.srgb) {
    const [r, g, b] = transferEncodeTables(transfer);
    const read = readRootTable;
    const d = img.data;
    // Uint8ClampedArray rounds to nearest.
    for (let p = 0, i = 0, o = 0; p < n; p++, i += 3, o += 4) {
      out[o] = read(r, d[i]) * 255;
      out[o + 1] = read(g, d[i + 1]) * 255;
      out[o + 2] = read(b, d[i + 2]) * 255;
      out[o + 3] = 255;
    }
    return { width: img.width, height: img.height, data: out };
  }
  const t = codeThresholds();
  const d = img.data;
  for (let p = 0, i = 0, o = 0; p < n; p++, i += 3, o += 4) {
    out[o] = srgbCode(d[i], t);
    out[o + 1] = srgbCode(d[i + 1], t);
    out[o + 2] = srgbCode(d[i + 2], t);
    out[o + 3] = 255;
  }
  return { width: img.width, height: img.height, data: out };
}
