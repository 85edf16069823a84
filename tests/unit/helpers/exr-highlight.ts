/** How bright a radiance EXR's highlights are: the 99.9th percentile of its Rec.709 luminance. */
import { readFileSync } from 'node:fs';
import { decodeExr } from '../../../src-shared/codecs/exr-read';

export function exrHighlight(path: string): number {
  const img = decodeExr(new Uint8Array(readFileSync(path)), path);
  const ch = img.channels;
  const lum = new Float32Array(img.width * img.height).map((_, p) => 0.2126 * img.data[p * ch] + 0.7152 * img.data[p * ch + 1] + 0.0722 * img.data[p * ch + 2]);
  lum.sort();
  return lum[Math.floor(lum.length * 0.999)];
}
