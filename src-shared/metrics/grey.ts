/** 8-bit RGB to the whole-number grey that MEF-SSIM scores, and the 2x2 mean downsampling between its scales. */

/** An 8-bit sRGB-encoded image: 1 (grey), 3 (RGB) or 4 (RGBA, as a canvas gives) interleaved samples per pixel. */
export interface Image8 {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Samples per pixel of an Image8, from its data length; RangeError when it is not 1, 3 or 4. */
export function image8Channels(img: Image8): 1 | 3 | 4 {
  const n = img.width * img.height;
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || n <= 0) {
    throw new RangeError(`image size must be positive integers, got ${img.width}x${img.height}`);
  }
  const ch = img.data.length / n;
  if (ch !== 1 && ch !== 3 && ch !== 4) throw new RangeError(`image has ${img.data.length} samples for ${img.width}x${img.height}: not 1, 3 or 4 per pixel`);
  return ch;
}

/**
 * round(0.2989 R + 0.5870 G + 0.1140 B) per pixel, as MATLAB's rgb2gray gives on uint8 images (it
 * rounds to whole numbers; published MEF-SSIM tables were computed on such grey images). Grey input
 * is taken as is; alpha is ignored.
 */
export function greyFromImage8(img: Image8): Float64Array {
  const ch = image8Channels(img);
  const n = img.width * img.height;
  const src = img.data;
  const out = new Float64Array(n);
  if (ch === 1) {
    for (let p = 0; p < n; p++) out[p] = src[p];
    return out;
  }
  for (let p = 0, i = 0; p < n; p++, i += ch) out[p] = Math.round(0.2989 * src[i] + 0.587 * src[i + 1] + 0.114 * src[i + 2]);
  return out;
}

/**
 * 2x2 mean and decimation, as MATLAB's imfilter(I, ones(2)/4, 'symmetric', 'same') then I(1:2:end, 1:2:end):
 * output (x, y) is the mean of input (2x..2x+1, 2y..2y+1), and an odd last row or column is
 * padded after the image by repeating itself. Output size ceil(w/2) x ceil(h/2).
 */
export function downsample2x2(plane: Float64Array, width: number, height: number): { data: Float64Array; width: number; height: number } {
  if (plane.length !== width * height) throw new RangeError(`plane has ${plane.length} samples for ${width}x${height}`);
  const ow = Math.ceil(width / 2);
  const oh = Math.ceil(height / 2);
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    const r0 = 2 * y * width;
    const r1 = Math.min(2 * y + 1, height - 1) * width;
    for (let x = 0; x < ow; x++) {
      const c0 = 2 * x;
      const c1 = Math.min(2 * x + 1, width - 1);
      out[y * ow + x] = (plane[r0 + c0] + plane[r0 + c1] + plane[r1 + c0] + plane[r1 + c1]) / 4;
    }
  }
  return { data: out, width: ow, height: oh };
}
