/** PNG codec via fast-png: decode any PNG to linear grey or RGB (alpha dropped), encode 8/16-bit grey/RGB/RGBA. */
import { convertIndexedToRgb, decode, encode, type DecodedPng } from 'fast-png';
import { zlibSync } from 'fflate';
import { DecodeError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { srgb16ToLinearLut, srgb8ToLinearLut, srgbToLinear } from '../image/srgb';
import { decodeCommonPng } from './png-read';
import { frameSamples } from '../image/samples';
import { zlibBackend } from './zlib-backend';

/** Unpacks 1/2/4-bit grey rows (each padded to a whole byte) to one linear value per pixel. */
function unpackLowDepthGrey(png: DecodedPng): Float32Array {
  const { width, height, depth } = png;
  const data = png.data as Uint8Array;
  const max = (1 << depth) - 1;
  const lut = Float32Array.from({ length: max + 1 }, (_, v) => srgbToLinear(v / max));
  const rowBytes = Math.ceil((width * depth) / 8);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * width + x] = lut[(byte >> (8 - depth - (bit & 7))) & max];
    }
  }
  return out;
}

/** Samples per pixel of each PNG colour type. */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Checks the chunk layout and the size the IHDR claims before fast-png runs: fast-png reads past the end of a
 * file cut before IEND, and allocates and unfilters the claimed image even when the IDAT chunks, which zlib
 * expands at most 1032:1, cannot hold it.
 */
function checkPngStructure(bytes: Uint8Array, fileName?: string): void {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt PNG: ${why}`, fileName);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) return; // fast-png says what is wrong
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let idat = 0;
  for (let at = 8; ; ) {
    if (at + 12 > bytes.length) throw corrupt('the file ends before its IEND chunk');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) throw corrupt(`the ${type.replace(/[^\x20-\x7e]/g, '?')} chunk runs past the end of the file`);
    if (type === 'IDAT') idat += length;
    if (type === 'IEND') break;
    at += 12 + length;
  }
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw corrupt('the first chunk is not IHDR');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw corrupt(`image size ${width} x ${height}`);
  const bitsPerPixel = Math.max(1, bytes[24]) * (PNG_CHANNELS[bytes[25]] ?? 4);
  const raw = height * (Math.ceil((width * bitsPerPixel) / 8) + 1);
  if (raw > idat * 1032 + 1024) {
    throw corrupt(`the header says ${width} x ${height} pixels, more than its ${idat} bytes of image data can hold`);
  }
}

/** Decodes a PNG to linear light: grey (with or without alpha) to 1 channel, everything else to RGB. */
export function decodePng(bytes: Uint8Array, fileName?: string): LinearImage {
  checkPngStructure(bytes, fileName);
  const common = decodeCommonPng(bytes, fileName);
  if (common) return common;
  let png: DecodedPng;
  try {
    // CRCs on: a flipped bit should fail loudly, not decode to wrong pixels.
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    // fast-png reads the filter byte of a row the inflated data does not reach as "undefined".
    const why = /filter: undefined/.test(message)
      ? 'the image data ends before the last row'
      : e instanceof TypeError || e instanceof RangeError ? 'chunks and image data do not fit together' : message;
    throw new DecodeError(`truncated or corrupt PNG: ${why}`, fileName);
  }
  const { width, height } = png;
  const meta = { sourceName: fileName, sourceTransfer: 'srgb' as const, sourceBits: png.depth, clipLevel: 1 };
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const stride = png.palette[0].length; // 3, or 4 when tRNS alpha is folded into the palette
    const lut = srgb8ToLinearLut();
    const out = frameSamples(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) out[p * 3 + c] = lut[rgb[p * stride + c]];
    }
    return { width, height, channels: 3, data: out, ev: null, meta: { ...meta, sourceBits: 8 } };
  }
  const spp = png.channels;
  const keep = spp >= 3 ? 3 : 1;
  if (png.depth < 8) {
    return { width, height, channels: 1, data: unpackLowDepthGrey(png), ev: null, meta };
  }
  const expected = width * height * spp;
  if (png.data.length < expected) throw new DecodeError('truncated or corrupt PNG: pixel data is short', fileName);
  const lut = png.depth === 16 ? srgb16ToLinearLut() : srgb8ToLinearLut();
  const src = png.data;
  const out = frameSamples(width * height * keep);
  for (let p = 0, o = 0; p < width * height; p++) {
    for (let c = 0; c < keep; c++) out[o++] = lut[src[p * spp + c]];
  }
  return { width, height, channels: keep, data: out, ev: null, meta };
}

export interface PngEncodeOptions {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  bits: 8 | 16;
  /** Interleaved samples: 8-bit as Uint8Array/Uint8ClampedArray, 16-bit as Uint16Array. */
  data: Uint8Array | Uint16Array | Uint8ClampedArray;
  /** An ICC profile for the samples, written as an iCCP chunk; without one a reader takes them as sRGB. */
  icc?: Uint8Array;
}

/** Encodes 8/16-bit grey, RGB or RGBA samples (sRGB-encoded, or in the space of `icc`) as a PNG. */
export function encodePng(opts: PngEncodeOptions): Uint8Array {
  const { width, height, channels, bits, data } = opts;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new RangeError(`PNG channels must be 1, 3 or 4, got ${channels}`);
  if (bits !== 8 && bits !== 16) throw new RangeError(`PNG bits must be 8 or 16, got ${bits}`);
  if ((bits === 16) !== data instanceof Uint16Array) throw new RangeError(`${bits}-bit PNG data has the wrong array type`);
  if (data.length !== width * height * channels) {
    throw new RangeError(`data holds ${data.length} samples, expected ${width * height * channels}`);
  }
  const png = encode({ width, height, channels, depth: bits, data });
  if (opts.icc) return withIccChunk(png, opts.icc);
  // fast-png returns a view into its larger working buffer; hand back bytes that own their memory.
  return png.byteOffset === 0 && png.byteLength === png.buffer.byteLength ? png : png.slice();
}

/** The PNG with an iCCP chunk (name "ICC Profile", method 0, the zlib-compressed profile) after its IHDR, where the standard puts it. */
function withIccChunk(png: Uint8Array, icc: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode('ICC Profile');
  const packed = zlibSync(icc, { level: 9 });
  const length = name.length + 2 + packed.length;
  const chunk = new Uint8Array(12 + length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, length);
  chunk.set([0x69, 0x43, 0x43, 0x50], 4); // 'iCCP'
  chunk.set(name, 8);
  // The name's terminating zero and compression method 0 are the array's own zeros.
  chunk.set(packed, 8 + name.length + 2);
  view.setUint32(8 + length, zlibBackend().crc32(chunk.subarray(4, 8 + length)));
  const afterIhdr = 8 + 12 + 13; // signature, then IHDR (always first, always 13 bytes of data)
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, afterIhdr));
  out.set(chunk, afterIhdr);
  out.set(png.subarray(afterIhdr), afterIhdr + chunk.length);
  return out;
}
