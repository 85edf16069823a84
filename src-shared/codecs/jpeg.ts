/** JPEG codec: decode through jpeg-js to linear RGB (sRGB-linearised); encode 8-bit RGBA with optional EXIF and ICC profile (jpeg-encode.ts). */
import jpeg from 'jpeg-js';
import { DecodeError } from '../errors';
import type { LinearImage, Rgba8Image } from '../image/linear-image';
import { srgb8ToLinearLut } from '../image/srgb';
import { exifApp1Segment, type ExifFields } from './exif-write';
import { checkJpegArgs, encodeJpegStrip, joinJpeg, jpegBlockRows, jpegHeader } from './jpeg-encode';
import { frameSamples } from '../image/samples';

/**
 * What is inconsistent in a JPEG's headers up to its first scan, as jpeg-js would trip over it: a scan before
 * the frame header, a scan or quantization reference to a component or table never defined. Null when the
 * headers fit together.
 */
function jpegInconsistency(bytes: Uint8Array): string | null {
  const components = new Map<number, number>(); // id -> quantization table
  const quant = new Set<number>();
  const dc = new Set<number>();
  const ac = new Set<number>();
  let frame = false;
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // A header segment running past the end: the reads below would see undefined for the missing bytes.
    if (at + 2 + length > bytes.length) return `the file is cut short inside its headers (segment FF${marker.toString(16).toUpperCase()})`;
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (marker === 0xdb) {
      for (let p = 0; p < body.length; p += 1 + ((body[p] >> 4) === 1 ? 128 : 64)) quant.add(body[p] & 15);
    } else if (marker === 0xc4) {
      for (let p = 0; p + 17 <= body.length; ) {
        (body[p] >> 4 === 0 ? dc : ac).add(body[p] & 15);
        let n = 0;
        for (let k = 1; k <= 16; k++) n += body[p + k];
        p += 17 + n;
      }
    } else if (marker >= 0xc0 && marker <= 0xc2) {
      frame = true;
      for (let i = 0, p = 6; i < body[5] && p + 3 <= body.length; i++, p += 3) components.set(body[p], body[p + 2]);
    } else if (marker === 0xda) {
      if (!frame) return 'a scan comes before the frame header';
      const n = body[0];
      if (body.length < 4 + 2 * n) return `the scan header is too short for the ${n} components it lists`;
      const [ss, se, a] = [body[1 + 2 * n], body[2 + 2 * n], body[3 + 2 * n]];
      for (let i = 0; i < n; i++) {
        const id = body[1 + 2 * i];
        const tables = body[2 + 2 * i];
        if (!components.has(id)) return `the scan refers to component ${id}, which the frame header does not define`;
        if (ss === 0 && a >> 4 === 0 && !dc.has(tables >> 4)) return `the scan uses DC Huffman table ${tables >> 4}, which is not defined`;
        if (se > 0 && !ac.has(tables & 15)) return `the scan uses AC Huffman table ${tables & 15}, which is not defined`;
      }
      for (const [id, table] of components) {
        if (!quant.has(table)) return `component ${id} uses quantization table ${table}, which is not defined`;
      }
      return null;
    }
    at += 2 + length;
  }
  return at + 4 > bytes.length ? 'the file is cut short before its image data' : null;
}

/**
 * True when no end-of-image marker (FFD9) closes the file: what a card or copy cut short leaves (jpeg-js then says
 * "marker was not found"). A few bytes of padding after the marker are allowed.
 */
function endsCut(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(2, bytes.length - 64); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return false;
  return true;
}

/** Decodes a baseline or progressive JPEG to 3-channel linear RGB. Truncated or corrupt files throw DecodeError. */
export function decodeJpeg(bytes: Uint8Array, fileName?: string): LinearImage {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true, // plain Uint8Array: no Buffer, so this also runs in the browser
      formatAsRGBA: false, // RGB; grey JPEGs come out as R=G=B
      maxResolutionInMP: 250, // above jpeg-js's 100 MP default: medium-format cameras make 100+ MP files
      maxMemoryUsageInMB: 4096,
    });
  } catch (e) {
    // jpeg-js throws strings as well as Errors ("marker was not found" when the file is cut short), and
    // TypeErrors when tables or components the scan refers to are missing: where the headers show why, say that.
    const internal = e instanceof TypeError || e instanceof RangeError;
    const why =
      jpegInconsistency(bytes) ??
      (endsCut(bytes) ? 'the file ends before its end-of-image marker: it is cut short' : null) ??
      (internal ? 'tables and scan data do not fit together' : String((e as Error)?.message ?? e));
    throw new DecodeError(`truncated or corrupt JPEG: ${why}`, fileName);
  }
  const { width, height, data } = decoded;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new DecodeError('truncated or corrupt JPEG: no image data', fileName);
  }
  return jpegFrame(width, height, data, fileName);
}

/** A JPEG's decoded 8-bit sRGB samples (RGB, interleaved) as the engine's frame: linear light, 8-bit sRGB source. */
export function jpegFrame(width: number, height: number, data: Uint8Array, fileName?: string): LinearImage {
  const lut = srgb8ToLinearLut();
  const out = frameSamples(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lut[data[i]];
  return {
    width,
    height,
    channels: 3,
    data: out,
    ev: null,
    meta: { sourceName: fileName, sourceTransfer: 'srgb', sourceBits: 8, clipLevel: 1 },
  };
}

export interface JpegEncodeOptions {
  /** 1..100, default 92. */
  quality?: number;
  /** Written as an Exif APP1 segment straight after SOI. */
  exif?: ExifFields;
  /** An ICC profile (e.g. from iccProfile()) written as APP2 ICC_PROFILE segments after the APP1 EXIF. */
  icc?: Uint8Array;
}

/** Profile bytes per APP2 segment: 65535 less the length field (2), "ICC_PROFILE\0" (12) and the sequence bytes (2). */
export const ICC_CHUNK_BYTES = 65519;

/** APP2 segments (marker and length included) carrying an ICC profile, as ICC.1 Annex B.4 splits it. */
export function iccApp2Segments(icc: Uint8Array): Uint8Array[] {
  const count = Math.ceil(icc.length / ICC_CHUNK_BYTES);
  if (count === 0) throw new RangeError('empty ICC profile');
  if (count > 255) throw new RangeError(`ICC profile of ${icc.length} bytes needs more than 255 APP2 segments`);
  const segments: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const part = icc.subarray(i * ICC_CHUNK_BYTES, (i + 1) * ICC_CHUNK_BYTES);
    const length = 2 + 14 + part.length;
    const seg = new Uint8Array(2 + length);
    seg.set([0xff, 0xe2, length >> 8, length & 0xff]);
    seg.set([0x49, 0x43, 0x43, 0x5f, 0x50, 0x52, 0x4f, 0x46, 0x49, 0x4c, 0x45, 0, i + 1, count], 4); // "ICC_PROFILE\0", n, of
    seg.set(part, 18);
    segments.push(seg);
  }
  return segments;
}

/** The JPEG's header (jpeg-encode.ts) for an image of this size with these options: Exif APP1 and ICC APP2 built here. */
export function jpegHeaderFor(width: number, height: number, opts: JpegEncodeOptions = {}): Uint8Array {
  const quality = opts.quality ?? 92;
  checkJpegArgs(width, height, quality);
  const exif = opts.exif ? exifApp1Segment(opts.exif, { width, height }) : null;
  return jpegHeader({ width, height, quality, exif, icc: opts.icc ? iccApp2Segments(opts.icc) : [] });
}

/**
 * Encodes an 8-bit RGBA image (alpha ignored) as a baseline JPEG (jpeg-encode.ts). Pixels are sRGB unless
 * opts.icc says otherwise; with a non-sRGB profile set exif.colorSpace to 'uncalibrated', as EXIF asks. An
 * Exif file carries APP1 first and no JFIF APP0; without EXIF the JFIF APP0 comes first and the profile after it.
 */
export function encodeJpeg(img: Rgba8Image, opts: JpegEncodeOptions = {}): Uint8Array {
  const header = jpegHeaderFor(img.width, img.height, opts);
  return joinJpeg(header, [encodeJpegStrip(img, opts.quality ?? 92, 0, jpegBlockRows(img.height))]);
}
