/**
 * OpenEXR B44/B44A block decoding (ImfB44Compressor.cpp). Each half channel is cut into 4x4 blocks, each stored in
 * 14 bytes (the first sample, a shift, and fifteen 6-bit differences, on half bit patterns mapped to an ordered
 * code) or, B44A's flat blocks, in 3. Other channels are stored as they are. Lossy when written, exact to read.
 */
import { EXR_PIXEL_BYTES, EXR_PIXEL_HALF } from './exr-format';

/** The ordered code back to a half's bits: positive halves had their sign bit set, negative ones were inverted. */
const fromOrdered = (v: number): number => (v & 0x8000 ? v & 0x7fff : ~v & 0xffff);

function unpack14(b: Uint8Array, at: number, s: Uint16Array): void {
  s[0] = (b[at] << 8) | b[at + 1];
  const shift = b[at + 2] >> 2;
  const bias = 0x20 << shift;
  const d = (v: number): number => ((v & 0x3f) << shift) - bias;
  s[4] = s[0] + d((b[at + 2] << 4) | (b[at + 3] >> 4));
  s[8] = s[4] + d((b[at + 3] << 2) | (b[at + 4] >> 6));
  s[12] = s[8] + d(b[at + 4]);
  s[1] = s[0] + d(b[at + 5] >> 2);
  s[5] = s[4] + d((b[at + 5] << 4) | (b[at + 6] >> 4));
  s[9] = s[8] + d((b[at + 6] << 2) | (b[at + 7] >> 6));
  s[13] = s[12] + d(b[at + 7]);
  s[2] = s[1] + d(b[at + 8] >> 2);
  s[6] = s[5] + d((b[at + 8] << 4) | (b[at + 9] >> 4));
  s[10] = s[9] + d((b[at + 9] << 2) | (b[at + 10] >> 6));
  s[14] = s[13] + d(b[at + 10]);
  s[3] = s[2] + d(b[at + 11] >> 2);
  s[7] = s[6] + d((b[at + 11] << 4) | (b[at + 12] >> 4));
  s[11] = s[10] + d((b[at + 12] << 2) | (b[at + 13] >> 6));
  s[15] = s[14] + d(b[at + 13]);
  for (let i = 0; i < 16; i++) s[i] = fromOrdered(s[i]);
}

/**
 * Expands one B44/B44A chunk of `lines` rows of `width` pixels into out (the uncompressed layout: per line, per
 * channel, width samples, little-endian). Throws a plain Error when the data ends early; the caller adds the file name.
 */
export function b44DecompressBlock(packed: Uint8Array, out: Uint8Array, width: number, lines: number, pixelTypes: readonly number[], pLinear: readonly boolean[]): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const lineBytes = width * pixelTypes.reduce((n, t) => n + EXR_PIXEL_BYTES[t], 0);
  const s = new Uint16Array(16);
  let at = 0;
  let channelAt = 0;
  for (let c = 0; c < pixelTypes.length; c++) {
    const size = EXR_PIXEL_BYTES[pixelTypes[c]];
    if (pixelTypes[c] !== EXR_PIXEL_HALF) {
      // Stored as they are, line after line of this channel.
      for (let y = 0; y < lines; y++) {
        if (at + width * size > packed.length) throw new Error('b44 chunk ends before its data');
        out.set(packed.subarray(at, at + width * size), y * lineBytes + channelAt);
        at += width * size;
      }
    } else {
      if (pLinear[c]) throw new Error('b44 channels stored as perceptually linear are not supported');
      for (let by = 0; by < lines; by += 4) {
        for (let bx = 0; bx < width; bx += 4) {
          if (at + 3 > packed.length) throw new Error('b44 chunk ends before its data');
          if (packed[at + 2] >= 13 << 2) {
            // A flat block (B44A): one value for all sixteen.
            s.fill(fromOrdered((packed[at] << 8) | packed[at + 1]));
            at += 3;
          } else {
            if (at + 14 > packed.length) throw new Error('b44 chunk ends before its data');
            unpack14(packed, at, s);
            at += 14;
          }
          // The block's samples that lie in the chunk (edge blocks are padded).
          for (let y = 0; y < 4 && by + y < lines; y++) {
            for (let x = 0; x < 4 && bx + x < width; x++) view.setUint16((by + y) * lineBytes + channelAt + (bx + x) * 2, s[y * 4 + x], true);
          }
        }
      }
    }
    channelAt += width * size;
  }
}
