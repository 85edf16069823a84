/**
 * PSNR of an 8-bit image against a reference: 10 log10(255^2 / MSE), the MSE over every colour
 * sample (R, G and B together; alpha ignored), in dB; Infinity when the images are identical.
 */
import { image8Channels, type Image8 } from './grey';

/** Mean squared difference of the colour samples (R, G, B, or grey) of two images of one size and layout. */
export function meanSquaredError(image: Image8, reference: Image8): number {
  const ch = image8Channels(image);
  if (image.width !== reference.width || image.height !== reference.height || image8Channels(reference) !== ch) {
    throw new RangeError(`images differ: ${image.width}x${image.height}x${ch} and ${reference.width}x${reference.height}x${image8Channels(reference)}`);
  }
  const colours = ch === 4 ? 3 : ch;
  const a = image.data;
  const b = reference.data;
  let sum = 0;
  for (let i = 0; i < a.length; i += ch) {
    for (let c = 0; c < colours; c++) {
      const d = a[i + c] - b[i + c];
      sum += d * d;
    }
  }
  return sum / ((a.length / ch) * colours);
}

export function psnr(image: Image8, reference: Image8): number {
  const mse = meanSquaredError(image, reference);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
