/**
 * Raw Deflate decompression and CRC-32 for the PNG and TIFF readers. The defaults are pure JavaScript (fflate,
 * a table CRC) and run anywhere; a Node process installs zlib's native ones at start-up
 * (src-main/services/native-zlib.ts), several times faster. src-shared itself never imports Node.
 */
import { Inflate, inflateSync } from 'fflate';

export interface ZlibBackend {
  /**
   * Inflates raw Deflate data (no zlib header) to at most `size` bytes: more is cut off, fewer are returned as
   * they are. Throws on corrupt or truncated data.
   */
  inflateRaw(src: Uint8Array, size: number): Uint8Array;
  /** CRC-32 (ISO 3309, as PNG chunks use) of data, continuing from `crc`. */
  crc32(data: Uint8Array, crc?: number): number;
  /**
   * A zlib stream (header and Adler-32) of data, coded fast: run-length matches and Huffman codes, as
   * the writers' own zlibRle does. Optional: without it the writers use zlibRle.
   */
  deflateRle?(data: Uint8Array): Uint8Array;
}

let table: Int32Array | null = null;

function crcTable(): Int32Array {
  if (table) return table;
  table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

export const portableZlib: ZlibBackend = {
  inflateRaw(src, size) {
    try {
      return inflateSync(src, { out: new Uint8Array(size) });
    } catch (error) {
      // fflate writes past a fixed output it has outgrown (a RangeError): stream instead, keeping the first `size` bytes.
      if (!(error instanceof RangeError)) throw error;
      const out = new Uint8Array(size);
      let o = 0;
      const inflate = new Inflate((chunk) => {
        if (o < size) out.set(chunk.subarray(0, size - o), o);
        o += chunk.length;
      });
      try {
        inflate.push(src, true);
      } catch {
        throw error; // corrupt as well as long: the first error, as callers have always seen it
      }
      return out.subarray(0, Math.min(o, size));
    }
  },
  crc32(data, crc = 0) {
    const t = crcTable();
    let c = ~crc;
    for (let i = 0, n = data.length; i < n; i++) c = t[(c ^ data[i]) & 255] ^ (c >>> 8);
    return ~c >>> 0;
  },
};

let current: ZlibBackend = portableZlib;

/** Replaces the backend for every later decode; null restores the portable one. */
export function setZlibBackend(backend: ZlibBackend | null): void {
  current = backend ?? portableZlib;
}

export function zlibBackend(): ZlibBackend {
  return current;
}
