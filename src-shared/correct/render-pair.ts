/**
 * A rendered single-frame correction pair (the benchmark's and training's unit), from scene radiance R
 * (linear Rec.709, >= 0), by the definition the training code (training/correct) shares:
 * 1. Y = 0.2126 R + 0.7152 G + 0.0722 B; m = median of Y over all pixels (the mean of the two middle
 *    values when the count is even, as numpy's median), or the mean of Y > 0 when m <= 0;
 * 2. x = R * 0.18 / m: the scene at correct exposure, unclipped (the HDR truth);
 * 3. truth = round(255 * srgbEncode(clamp(x, 0, 1))): 8-bit sRGB, noise-free;
 * 4. y = x * 2^s, s the exposure error in stops;
 * 5. y += sqrt(a * max(y, 0) + b^2) * N(0, 1) per channel sample, a = shot, b = read;
 * 6. input = JPEG(round(255 * srgbEncode(clamp(y, 0, 1))), quality q), by the app's own encoder.
 * srgbEncode is the IEC 61966-2-1 curve. The normal draws come from a seeded mulberry32 through
 * Box-Muller, so a seed gives the same pair on every platform (not the same numbers as numpy).
 */
import { encodeJpeg } from '../codecs/jpeg';
import type { LinearImage } from '../image/linear-image';
import { linearToSrgb } from '../image/srgb';
import type { Image8 } from '../metrics/grey';
import { normalSampler } from '../random';
import { luminance709 as luminanceInto, median } from './correct-input';

export { median, normalSampler };
import { MIDDLE_GREY } from './meta';

export interface CorrectionPairOptions {
  /** Exposure error in stops (under -3..-2, over +2..+3 in the benchmark). */
  stops: number;
  /** Shot-noise variance per unit of linear signal (a). */
  shot: number;
  /** Read-noise standard deviation in linear units (b). */
  read: number;
  /** JPEG quality of the input, 1..100. */
  quality: number;
  seed: number;
}

export interface CorrectionPair {
  /** The target: the scene at correct exposure, 8-bit sRGB RGB codes (3 per pixel), noise-free. */
  truth: Image8;
  /** x: the scene at correct exposure, linear, normalised (median luminance 0.18), unclipped. */
  scene: LinearImage;
  /** The badly exposed frame's 8-bit sRGB RGB codes before JPEG compression. */
  inputCodes: Image8;
  /** The badly exposed frame as a baseline JPEG: what a correction method is given. */
  inputJpeg: Uint8Array;
}

/** Rec.709 luminance of every pixel, in double precision (the median of the definition is taken on it). */
export function luminance709(img: LinearImage): Float64Array {
  return luminanceInto(img, new Float64Array(img.width * img.height));
}

/** Step 1 of the definition: the median Rec.709 luminance, or the mean of the positive ones when it is <= 0. */
export function sceneMedianLuminance(radiance: LinearImage): number {
  const y = luminance709(radiance);
  const m = median(y);
  if (m > 0) return m;
  let sum = 0;
  let count = 0;
  for (const v of y) {
    if (v > 0) {
      sum += v;
      count++;
    }
  }
  if (count === 0) throw new RangeError('scene radiance has no positive luminance to expose for');
  return sum / count;
}

/** Step 2: the scene scaled so that its median luminance is middle grey (0.18), RGB, unclipped. */
export function sceneAtMiddleGrey(radiance: LinearImage): LinearImage {
  const gain = MIDDLE_GREY / sceneMedianLuminance(radiance);
  const n = radiance.width * radiance.height;
  const ch = radiance.channels;
  const data = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) data[p * 3 + c] = radiance.data[p * ch + c] * gain;
  }
  return { width: radiance.width, height: radiance.height, channels: 3, data, ev: null, meta: {} };
}

/** round(255 * srgbEncode(clamp(v, 0, 1))) of every RGB sample: the 8-bit codes of a linear image. */
export function linearToCodes(img: LinearImage): Image8 {
  const n = img.width * img.height;
  const ch = img.channels;
  if (ch < 3) throw new RangeError(`8-bit RGB codes need RGB, got ${img.channels} channel(s)`);
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, img.data[p * ch + c]))));
  }
  return { width: img.width, height: img.height, data: out };
}

/** Steps 4-5: x * 2^stops plus Poisson-Gaussian noise per sample, in linear light, before clipping. */
export function exposeWithNoise(scene: LinearImage, stops: number, shot: number, read: number, seed: number): Float32Array {
  if (!Number.isFinite(stops)) throw new RangeError(`stops must be finite, got ${stops}`);
  if (!(shot >= 0) || !(read >= 0)) throw new RangeError(`noise parameters must be >= 0, got shot ${shot}, read ${read}`);
  if (scene.channels !== 3) throw new RangeError(`the scene must be RGB, got ${scene.channels} channel(s)`);
  const gain = 2 ** stops;
  const normal = normalSampler(seed);
  const read2 = read * read;
  const out = new Float32Array(scene.data.length);
  for (let i = 0; i < out.length; i++) {
    const y = scene.data[i] * gain;
    out[i] = y + Math.sqrt(shot * Math.max(y, 0) + read2) * normal();
  }
  return out;
}

/** Renders one correction pair from scene radiance (see the file's head for the definition). */
export function renderCorrectionPair(radiance: LinearImage, opts: CorrectionPairOptions): CorrectionPair {
  const { stops, shot, read, quality, seed } = opts;
  if (!(quality >= 1 && quality <= 100)) throw new RangeError(`JPEG quality must be 1..100, got ${quality}`);
  const scene = sceneAtMiddleGrey(radiance);
  const truth = linearToCodes(scene);
  const exposed = exposeWithNoise(scene, stops, shot, read, seed);
  const inputCodes = linearToCodes({ ...scene, data: exposed });
  const n = scene.width * scene.height;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    rgba[p * 4] = inputCodes.data[p * 3];
    rgba[p * 4 + 1] = inputCodes.data[p * 3 + 1];
    rgba[p * 4 + 2] = inputCodes.data[p * 3 + 2];
    rgba[p * 4 + 3] = 255;
  }
  const inputJpeg = encodeJpeg({ width: scene.width, height: scene.height, data: rgba }, { quality });
  return { truth, scene, inputCodes, inputJpeg };
}

/** A copy of the w x h region of an image whose top-left pixel is (x, y); RangeError when it does not fit. */
export function cropLinear(img: LinearImage, x: number, y: number, w: number, h: number): LinearImage {
  const whole = [x, y, w, h].every(Number.isInteger);
  if (!whole || x < 0 || y < 0 || w < 1 || h < 1 || x + w > img.width || y + h > img.height) {
    throw new RangeError(`crop ${w}x${h} at (${x}, ${y}) does not fit a ${img.width}x${img.height} image`);
  }
  const ch = img.channels;
  const data = new Float32Array(w * h * ch);
  for (let r = 0; r < h; r++) {
    const from = ((y + r) * img.width + x) * ch;
    data.set(img.data.subarray(from, from + w * ch), r * w * ch);
  }
  return { width: w, height: h, channels: ch, data, ev: img.ev, meta: { ...img.meta } };
}
