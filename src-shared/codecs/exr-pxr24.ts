/**
 * OpenEXR PXR24 block decoding (ImfPxr24Compressor.cpp): zlib, then per scanline and channel the samples' bytes in
 * planes, most significant first, each sample the difference from the one before. Floats keep their top 24 bits
 * (lossy when written), halves and uints are whole.
 */
import { EXR_PIXEL_FLOAT, EXR_PIXEL_HALF } from './exr-format';
import { inflateExact } from './exr-zip';

/** Bytes a sample takes in a PXR24 stream: uint 4, half 2, float 3. */
const PLANES = [4, 2, 3] as const;

/**
 * Expands one PXR24 block of `lines` scanlines of `width` pixels into out (the uncompressed layout: per line, per
 * channel, width samples, little-endian), using scratch (at least the uncompressed size + 1 bytes: a PXR24 stream
 * is never longer) for the zlib output. Throws a plain Error on corrupt data; the caller adds the file name.
 */
export function pxr24DecompressBlock(packed: Uint8Array, out: Uint8Array, width: number, lines: number, pixelTypes: readonly number[], scratch: Uint8Array): void {
  const coded = lines * width * pixelTypes.reduce((n, t) => n + PLANES[t], 0);
  const inflated = inflateExact(packed, coded, scratch, 'pxr24');
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let src = 0;
  let dst = 0;
  for (let y = 0; y < lines; y++) {
    for (const type of pixelTypes) {
      const n = width;
      let pixel = 0;
      if (type === EXR_PIXEL_HALF) {
        for (let j = 0; j < n; j++) {
          pixel = (pixel + ((inflated[src + j] << 8) | inflated[src + n + j])) & 0xffff;
          view.setUint16(dst, pixel, true);
          dst += 2;
        }
        src += 2 * n;
      } else if (type === EXR_PIXEL_FLOAT) {
        for (let j = 0; j < n; j++) {
          pixel = (pixel + ((inflated[src + j] << 24) | (inflated[src + n + j] << 16) | (inflated[src + 2 * n + j] << 8))) >>> 0;
          view.setUint32(dst, pixel, true);
          dst += 4;
        }
        src += 3 * n;
      } else {
        for (let j = 0; j < n; j++) {
          pixel = (pixel + ((inflated[src + j] << 24) | (inflated[src + n + j] << 16) | (inflated[src + 2 * n + j] << 8) | inflated[src + 3 * n + j])) >>> 0;
          view.setUint32(dst, pixel, true);
          dst += 4;
        }
        src += 4 * n;
      }
    }
  }
}
