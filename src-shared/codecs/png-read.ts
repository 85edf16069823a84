/**
 * Reads the PNGs cameras and editors write most (8/16-bit grey, grey + alpha, RGB, RGBA, not interlaced) without
 * fast-png: Deflate goes through the zlib backend (native in Node) and each row is unfiltered and turned into
 * linear floats in one pass. Everything else (palettes, low bit depths, Adam7) is left to fast-png (null).
 */
import { DecodeError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { srgb16ToLinearLut, srgb8ToLinearLut } from '../image/srgb';
import { zlibBackend } from './zlib-backend';
import { frameSamples } from '../image/samples';

/** Samples per pixel of the colour types read here: grey, RGB, grey + alpha, RGBA. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Undoes one row's filter in place (PNG spec 9.2); prev is the unfiltered row above, or null for the first row. */
function unfilterRow(type: number, row: Uint8Array, r: number, prev: number, hasPrev: boolean, n: number, bpp: number): boolean {
  if (type === 0) return true;
  if (type === 1) {
    for (let i = bpp; i < n; i++) row[r + i] = (row[r + i] + row[r + i - bpp]) & 255;
  } else if (type === 2) {
    if (hasPrev) for (let i = 0; i < n; i++) row[r + i] = (row[r + i] + row[prev + i]) & 255;
  } else if (type === 3) {
    for (let i = 0; i < n; i++) {
      const left = i >= bpp ? row[r + i - bpp] : 0;
      const up = hasPrev ? row[prev + i] : 0;
      row[r + i] = (row[r + i] + ((left + up) >> 1)) & 255;
    }
  } else if (type === 4) {
    for (let i = 0; i < n; i++) {
      const a = i >= bpp ? row[r + i - bpp] : 0;
      const b = hasPrev ? row[prev + i] : 0;
      const c = hasPrev && i >= bpp ? row[prev + i - bpp] : 0;
      const p = a + b - c;
      const pa = p > a ? p - a : a - p;
      const pb = p > b ? p - b : b - p;
      const pc = p > c ? p - c : c - p;
      row[r + i] = (row[r + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
    }
  } else return false;
  return true;
}

/** The linear image of a common PNG, or null for a variant fast-png should read. Chunk layout and CRCs are checked here. */
export function decodeCommonPng(bytes: Uint8Array, fileName?: string): LinearImage | null {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt PNG: ${why}`, fileName);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33) return null;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24];
  const colorType = bytes[25];
  const spp = SAMPLES[colorType];
  if (!spp || (depth !== 8 && depth !== 16) || bytes[26] !== 0 || bytes[27] !== 0 || bytes[28] !== 0) return null;
  const z = zlibBackend();
  // Every chunk's CRC (a flipped bit should fail loudly, not decode to wrong pixels), and the IDAT payloads.
  const idat: Uint8Array[] = [];
  let idatBytes = 0;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const end = at + 8 + length;
    if (end + 4 > bytes.length) throw corrupt('a chunk runs past the end of the file');
    if (z.crc32(bytes.subarray(at + 4, end)) !== view.getUint32(end)) throw corrupt('CRC mismatch');
    const type = view.getUint32(at + 4);
    if (type === 0x49444154) {
      idat.push(bytes.subarray(at + 8, end));
      idatBytes += length;
    } else if (type === 0x49454e44) break;
    at = end + 4;
  }
  let stream: Uint8Array;
  if (idat.length === 1) stream = idat[0];
  else {
    stream = new Uint8Array(idatBytes);
    for (let i = 0, o = 0; i < idat.length; o += idat[i].length, i++) stream.set(idat[i], o);
  }
  // zlib header: Deflate, window up to 32 KiB, no preset dictionary, check bits right.
  if (stream.length < 2 || (stream[0] & 15) !== 8 || stream[0] >> 4 > 7 || (stream[1] & 0x20) !== 0 || ((stream[0] << 8) | stream[1]) % 31 !== 0) {
    throw corrupt('the image data is not a zlib stream');
  }
  const bpp = (spp * depth) / 8;
  const rowBytes = width * bpp;
  const stride = rowBytes + 1;
  let raw: Uint8Array;
  try {
    raw = z.inflateRaw(stream.subarray(2), stride * height);
  } catch (e) {
    throw corrupt(`the image data does not inflate: ${String((e as Error)?.message ?? e)}`);
  }
  if (raw.length < stride * height) throw corrupt('the image data ends before the last row');

  const keep = spp >= 3 ? 3 : 1;
  const out = frameSamples(width * height * keep);
  const lut = depth === 16 ? srgb16ToLinearLut() : srgb8ToLinearLut();
  for (let y = 0, o = 0; y < height; y++) {
    const r = y * stride + 1;
    if (!unfilterRow(raw[r - 1], raw, r, r - stride, y > 0, rowBytes, bpp)) throw corrupt(`row ${y} has filter type ${raw[r - 1]}`);
    if (depth === 8) {
      if (spp === keep) for (let i = 0; i < rowBytes; i++) out[o++] = lut[raw[r + i]];
      else if (spp === 4) {
        for (let i = r, e = r + rowBytes; i < e; i += 4, o += 3) {
          out[o] = lut[raw[i]];
          out[o + 1] = lut[raw[i + 1]];
          out[o + 2] = lut[raw[i + 2]];
        }
      } else {
        for (let i = r, e = r + rowBytes; i < e; i += spp) {
          for (let c = 0; c < keep; c++) out[o++] = lut[raw[i + c]];
        }
      }
    } else {
      for (let i = r, e = r + rowBytes; i < e; i += 2 * spp) {
        for (let c = 0; c < keep; c++) out[o++] = lut[(raw[i + 2 * c] << 8) | raw[i + 2 * c + 1]];
      }
    }
  }
  const meta = { sourceName: fileName, sourceTransfer: 'srgb' as const, sourceBits: depth, clipLevel: 1 };
  return { width, height, channels: keep, data: out, ev: null, meta };
}
