/** PNG codec via fast-png: decode any PNG to linear grey or RGB (alpha dropped), encode 8/16-bit grey/RGB/RGBA. */
import { convertIndexedToRgb, decode, encode, type DecodedPng } from 'fast-png';
import { DecodeError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { srgb16ToLinearLut, srgb8ToLinearLut, srgbToLinear } from '../image/srgb';

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

/** Decodes a PNG to linear light: grey (with or without alpha) to 1 channel, everything else to RGB. */
export function decodePng(bytes: Uint8Array, fileName?: string): LinearImage {
  let png: DecodedPng;
  try {
    // CRCs on: a flipped bit should fail loudly, not decode to wrong pixels.
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    throw new DecodeError(`truncated or corrupt PNG: ${String((e as Error)?.message ?? e)}`, fileName);
  }
  const { width, height } = png;
  const meta = { sourceName: fileName, sourceTransfer: 'srgb' as const, sourceBits: png.depth, clipLevel: 1 };
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const stride = png.palette[0].length; // 3, or 4 when tRNS alpha is folded into the palette
    const lut = srgb8ToLinearLut();
    const out = new Float32Array(width * height * 3);
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
  const out = new Float32Array(width * height * keep);
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
}

/** Encodes 8/16-bit grey, RGB or RGBA samples (taken as sRGB-encoded) as a PNG. */
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
  // fast-png returns a view into its larger working buffer; hand back bytes that own their memory.
  return png.byteOffset === 0 && png.byteLength === png.buffer.byteLength ? png : png.slice();
}
