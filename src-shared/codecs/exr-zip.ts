/** OpenEXR ZIP/ZIPS block coding: byte split + delta predictor + zlib, as in OpenEXR's ImfZip.cpp. */
import { unzlibSync } from 'fflate';
import { adler32 } from './adler32';
import { zlibRle } from './deflate-rle';
import { zlibBackend } from './zlib-backend';

/**
 * Compresses one block of uncompressed scanline bytes. `scratch` must hold at least raw.length bytes.
 * Returns the zlib stream, or a copy of raw when compression would not make it smaller: readers
 * tell the two apart by size, exactly as OpenEXR does.
 */
export function zipCompressBlock(raw: Uint8Array, scratch: Uint8Array): Uint8Array {
  const n = raw.length;
  if (scratch.length < n) throw new RangeError(`scratch holds ${scratch.length} bytes, need ${n}`);
  // Low bytes of every 16-bit word go first, high bytes second: each half is smoother alone.
  const half = (n + 1) >> 1;
  let a = 0;
  let b = half;
  const pairs = n & ~1;
  for (let i = 0; i < pairs; i += 2) {
    scratch[a++] = raw[i];
    scratch[b++] = raw[i + 1];
  }
  if (n & 1) scratch[a] = raw[n - 1];
  // Delta from the previous byte, biased by 128; done backwards so it needs no second buffer.
  for (let i = n - 1; i > 0; i--) scratch[i] = (scratch[i] - scratch[i - 1] + 384) & 255;
  // Run-length + Huffman deflate with separate tables for the two halves: on photographs it matches
  // fflate's level-1 LZ77 in size at about three times the speed (the predictor leaves few long matches).
  // Node's native zlib, where installed, does the same kind of coding in one table, faster (bench/exr-deflate.ts).
  const native = zlibBackend().deflateRle;
  const packed = native ? native(scratch.subarray(0, n)) : zlibRle(scratch.subarray(0, n), [half], n);
  return packed && packed.length < n ? packed : raw.slice();
}

/**
 * Expands one ZIP/ZIPS block of `expected` bytes into out[0..expected), using scratch (>= expected + 1
 * bytes) for the zlib output. Throws a plain Error on corrupt data; the caller adds the file name.
 */
export function zipDecompressBlock(packed: Uint8Array, expected: number, out: Uint8Array, scratch: Uint8Array): void {
  if (out.length < expected) throw new RangeError('zip block buffers too small');
  undoPredictorAndSplit(inflateExact(packed, expected, scratch, 'zip'), expected, out);
}

/**
 * Inflates a zlib stream that must expand to exactly `expected` bytes, into scratch (>= expected + 1 bytes), with
 * its Adler-32 checked; the inflated bytes. Throws a plain Error naming `codec` ('zip', 'pxr24') on corrupt data.
 */
export function inflateExact(packed: Uint8Array, expected: number, scratch: Uint8Array, codec: string): Uint8Array {
  if (scratch.length < expected + 1) throw new RangeError(`${codec} block buffers too small`);
  // One spare byte in the buffer: fflate silently truncates into a full buffer, so "too long" must stay visible.
  const inflated = unzlibSync(packed, { out: scratch.subarray(0, expected + 1) });
  if (inflated.length !== expected) {
    throw new Error(`${codec} block expands to ${inflated.length} bytes, expected ${expected}`);
  }
  const n = packed.length;
  const stored = n >= 4 ? ((packed[n - 4] << 24) | (packed[n - 3] << 16) | (packed[n - 2] << 8) | packed[n - 1]) >>> 0 : -1;
  // fflate does not check zlib's checksum; without this, corrupt data would pass silently.
  if (stored !== adler32(inflated)) throw new Error(`${codec} block checksum mismatch`);
  return inflated;
}

/** Undoes the byte delta predictor in `coded` (in place) and the split into low and high bytes, into out[0..n). */
function undoPredictorAndSplit(coded: Uint8Array, expected: number, out: Uint8Array): void {
  const inflated = coded;
  for (let i = 1; i < expected; i++) inflated[i] = (inflated[i - 1] + inflated[i] - 128) & 255;
  const half = (expected + 1) >> 1;
  let a = 0;
  let b = half;
  const pairs = expected & ~1;
  for (let i = 0; i < pairs; i += 2) {
    out[i] = inflated[a++];
    out[i + 1] = inflated[b++];
  }
  if (expected & 1) out[expected - 1] = inflated[a];
}

/**
 * Expands one RLE block (OpenEXR's ImfRleCompressor: runs of a signed count byte, then the byte split and delta
 * predictor ZIP uses) of `expected` bytes into out[0..expected), using scratch (>= expected bytes).
 */
export function rleDecompressBlock(packed: Uint8Array, expected: number, out: Uint8Array, scratch: Uint8Array): void {
  if (scratch.length < expected || out.length < expected) throw new RangeError('rle block buffers too small');
  let o = 0;
  let i = 0;
  while (i < packed.length) {
    const count = (packed[i++] << 24) >> 24;
    if (count < 0) {
      // -count bytes as they are.
      if (o - count > expected || i - count > packed.length) throw new Error('rle block expands past its size');
      scratch.set(packed.subarray(i, i - count), o);
      o -= count;
      i -= count;
    } else {
      // One byte, count + 1 times.
      if (o + count + 1 > expected || i >= packed.length) throw new Error('rle block expands past its size');
      scratch.fill(packed[i++], o, o + count + 1);
      o += count + 1;
    }
  }
  if (o !== expected) throw new Error(`rle block expands to ${o} bytes, expected ${expected}`);
  undoPredictorAndSplit(scratch, expected, out);
}
