/** Test scenes for single-frame correction: the sample scene's radiance, exposed and clipped like a camera would. */
import { renderScene } from '../../../../scripts/make-sample';
import { createLinearImage, type LinearImage } from '../../../../src-shared/image/linear-image';
import { srgbToLinear, linearToSrgb } from '../../../../src-shared/image/srgb';

/** The sample scene normalised so its median Rec.709 luminance is 0.18 (the correct exposure). */
export function correctlyExposedScene(width: number, height: number): LinearImage {
  const data = renderScene(width, height);
  const n = width * height;
  const lum = new Float32Array(n);
  for (let p = 0; p < n; p++) lum[p] = 0.2126 * data[p * 3] + 0.7152 * data[p * 3 + 1] + 0.0722 * data[p * 3 + 2];
  const median = Float32Array.from(lum).sort()[n >> 1];
  const img = createLinearImage(width, height, 3);
  for (let i = 0; i < data.length; i++) img.data[i] = (data[i] * 0.18) / median;
  return img;
}

/** The scene `stops` away from correct, clipped at 1 and quantised to 8-bit sRGB codes, as a decoder returns it (linear). */
export function exposed(scene: LinearImage, stops: number): LinearImage {
  const out = createLinearImage(scene.width, scene.height, 3);
  const k = 2 ** stops;
  for (let i = 0; i < scene.data.length; i++) {
    const code = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, scene.data[i] * k))));
    out.data[i] = srgbToLinear(code / 255);
  }
  return out;
}

/** PSNR of two linear display images on their 8-bit sRGB codes. */
export function psnr8(a: LinearImage, b: LinearImage): number {
  let se = 0;
  for (let i = 0; i < a.data.length; i++) {
    const ca = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, a.data[i]))));
    const cb = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, b.data[i]))));
    se += (ca - cb) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (se / a.data.length));
}
