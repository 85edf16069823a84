/** What the benches compare linear results by: 8-bit sRGB codes (MEF-SSIM's input) and mean |difference| of sRGB-encoded values. */
import type { LinearImage } from '../src-shared/image/linear-image';
import { linearToSrgb } from '../src-shared/image/srgb';
import type { Image8 } from '../src-shared/metrics/mef-ssim';

/** 8-bit sRGB codes of a linear image (clamped to 0..1), its channels kept. */
export function codes8(img: LinearImage): Uint8Array {
  const out = new Uint8Array(img.width * img.height * img.channels);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, img.data[i]))));
  return out;
}

/** The image as MEF-SSIM takes it. */
export function image8(img: LinearImage): Image8 {
  return { width: img.width, height: img.height, data: codes8(img) };
}

/** Mean |difference| of the sRGB-encoded values (0..1, above 1 counted as 1) of two images of one size. */
export function meanEncodedDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`images of ${a.length} and ${b.length} samples`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(linearToSrgb(Math.min(1, a[i])) - linearToSrgb(Math.min(1, b[i])));
  return d / a.length;
}

/**
 * The 16-bit RGB samples (code x 257) of an 8-bit RGBA photograph `stride` pixels wide, for a TIFF: the window of
 * width x height from (x, y), by default all of it.
 */
export function rgb16FromRgba(rgba: ArrayLike<number>, stride: number, width: number, height: number, x = 0, y = 0): Uint16Array {
  const rgb = new Uint16Array(width * height * 3);
  for (let j = 0; j < height; j++) {
    for (let i = 0, p = ((y + j) * stride + x) * 4, q = j * width * 3; i < width; i++, p += 4, q += 3) {
      rgb[q] = rgba[p] * 257;
      rgb[q + 1] = rgba[p + 1] * 257;
      rgb[q + 2] = rgba[p + 2] * 257;
    }
  }
  return rgb;
}
