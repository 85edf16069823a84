/**
 * The classical single-frame correction baseline of issue 7, "auto exposure + gamma + CLAHE", in its
 * standard form: (1) the linearised frame is scaled so its median Rec.709 luminance is middle grey
 * (0.18), the gain clamped to [1/64, 64]; (2) sRGB-encoded (the IEC curve, the truth's own "gamma")
 * and clipped to 8-bit codes; (3) CLAHE as OpenCV's defaults (8x8 tiles, clip limit 2) on the luma
 * Y' = 0.299 R' + 0.587 G' + 0.114 B' of the codes, the colour rebuilt by scaling R'G'B' by Y_new / Y'
 * (chroma ratios kept; the scale is capped where it would push a channel past 255).
 * Median metering rather than a camera's mean or centre-weighted metering: the median is the
 * exposure statistic the truth is defined by (render-pair.ts), and unlike a mean it is not
 * pulled by clipped highlights or a few bright lights, so the baseline is not handicapped by a
 * metering mismatch. It uses only the frame itself.
 */
import type { LinearImage } from '../image/linear-image';
import { srgb8ToLinearLut } from '../image/srgb';
import type { Image8 } from '../metrics/grey';
import { clahe, type ClaheOptions } from './clahe';
import { MIDDLE_GREY, PRE_GAIN_MAX, PRE_GAIN_MIN } from './meta';
import { linearToCodes, luminance709, median } from './render-pair';

export interface BaselineOptions {
  /** Apply CLAHE (step 3); false gives "auto exposure + gamma" alone. Default true. */
  clahe?: boolean;
  /** CLAHE settings; OpenCV's defaults (8x8 tiles, clip limit 2) when absent. */
  claheOptions?: ClaheOptions;
}

export interface BaselineResult {
  /** The corrected frame as 8-bit sRGB RGB codes. */
  codes: Image8;
  /** The same frame linearised (display-referred, 0..1). */
  ldr: LinearImage;
  /** The auto-exposure gain applied to the linear input. */
  gain: number;
}

/** 0.18 over the median Rec.709 luminance of a linear frame, clamped to [1/64, 64] (64 when the median is 0). */
export function autoExposureGain(input: LinearImage): number {
  const m = median(luminance709(input));
  if (!(m > 0)) return PRE_GAIN_MAX;
  return Math.min(PRE_GAIN_MAX, Math.max(PRE_GAIN_MIN, MIDDLE_GREY / m));
}

/** Step 3 alone: CLAHE on the rgb2gray-style luma of 8-bit RGB codes, colour kept by a common scale per pixel. */
export function claheOnLuma(img: Image8, options: ClaheOptions = {}): Image8 {
  const { width, height, data } = img;
  const n = width * height;
  if (data.length !== n * 3) throw new RangeError(`CLAHE on luma needs RGB codes, got ${data.length} samples for ${width}x${height}`);
  const luma = new Uint8Array(n);
  for (let p = 0; p < n; p++) luma[p] = Math.round(0.299 * data[p * 3] + 0.587 * data[p * 3 + 1] + 0.114 * data[p * 3 + 2]);
  const equalised = clahe(luma, width, height, options);
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const r = data[p * 3];
    const g = data[p * 3 + 1];
    const b = data[p * 3 + 2];
    const y = equalised[p];
    if (luma[p] === 0) {
      // No luma to scale from: the new grey level, colourless.
      out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = y;
      continue;
    }
    const k = Math.min(y / luma[p], 255 / Math.max(r, g, b));
    out[p * 3] = Math.round(r * k);
    out[p * 3 + 1] = Math.round(g * k);
    out[p * 3 + 2] = Math.round(b * k);
  }
  return { width, height, data: out };
}

/** Auto exposure + sRGB gamma (+ CLAHE) of a linear frame (e.g. a decoded JPEG): see the file's head. */
export function correctBaseline(input: LinearImage, options: BaselineOptions = {}): BaselineResult {
  if (input.channels < 3) throw new RangeError(`the baseline needs RGB, got ${input.channels} channel(s)`);
  const gain = autoExposureGain(input);
  const n = input.width * input.height;
  const ch = input.channels;
  const exposed = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) exposed[p * 3 + c] = input.data[p * ch + c] * gain;
  }
  const gamma = linearToCodes({ width: input.width, height: input.height, channels: 3, data: exposed, ev: null, meta: {} });
  const codes = options.clahe === false ? gamma : claheOnLuma(gamma, options.claheOptions);
  const lut = srgb8ToLinearLut();
  const ldr = new Float32Array(n * 3);
  for (let i = 0; i < ldr.length; i++) ldr[i] = lut[codes.data[i]];
  return { codes, ldr: { width: input.width, height: input.height, channels: 3, data: ldr, ev: null, meta: { ...input.meta } }, gain };
}
