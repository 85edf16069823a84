/** Decodes any image file Luxfuse reads (JPEG, PNG, TIFF, EXR) to linear RGB, chosen by magic bytes, not by name. */
import { extensionOf } from '../bracket/file-kind';
import { DecodeError, LuxfuseError, UnsupportedFormatError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { parseExrHeader } from './exr-header';
import { decodeExr } from './exr-read';
import { decodeJpeg } from './jpeg';
import { decodePng } from './png';
import { decodeTiff } from './tiff';
import { frameSamples } from '../image/samples';

export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'exr';

/** Largest image decodeImage accepts (250 MP: 3 GB as float RGB); larger headers are refused before any pixel is read. */
export const MAX_DECODE_PIXELS = 250e6;

const startsWith = (bytes: Uint8Array, sig: number[], at = 0): boolean =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** The format the bytes are in, or null when they are none we read. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, [0x76, 0x2f, 0x31, 0x01])) return 'exr';
  return null;
}

/**
 * Camera RAW containers that are not plain TIFF: ORF, RW2, CR3, RAF, X3F. TIFF-based RAWs (DNG, CR2,
 * NEF, ARW, PEF) are recognised by decodeTiff from their sensor-data tags.
 */
function isNonTiffRaw(bytes: Uint8Array): boolean {
  return (
    startsWith(bytes, ascii('IIRO')) || startsWith(bytes, ascii('IIRS')) || startsWith(bytes, ascii('MMOR')) ||
    startsWith(bytes, [0x49, 0x49, 0x55, 0x00]) ||
    startsWith(bytes, ascii('ftypcrx '), 4) ||
    startsWith(bytes, ascii('FUJIFILMCCD-RAW')) ||
    startsWith(bytes, ascii('FOVb'))
  );
}

/**
 * A JPEG's frame header (SOFn), found by walking the segments before the first scan: its size and its
 * number of components (1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK); null when there is none before the scan.
 */
export function jpegFrameHeader(bytes: Uint8Array): { width: number; height: number; components: number } | null {
  for (let at = 2, segments = 0; at + 10 <= bytes.length && segments < 4096 && bytes[at] === 0xff; segments++) {
    const marker = bytes[at + 1];
    if (marker === 0xff) at++; // fill byte
    else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8], components: bytes[at + 9] };
    } else if (marker === 0xda) return null;
    else at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return null;
}

/** The largest width x height a header claims (PNG IHDR, JPEG SOF, TIFF IFDs, EXR dataWindow), or null when it says none. */
function claimedSize(bytes: Uint8Array, format: ImageFormat): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
  if (format === 'exr') {
    try {
      const { xMin, yMin, xMax, yMax } = parseExrHeader(bytes);
      return { width: xMax - xMin + 1, height: yMax - yMin + 1 };
    } catch {
      return null; // the decoder reports what is wrong with the header
    }
  }
  if (format === 'jpeg') return jpegFrameHeader(bytes);
  const le = bytes[0] === 0x49;
  let largest: { width: number; height: number } | null = null;
  const seen = new Set<number>();
  for (let at = bytes.length >= 8 ? view.getUint32(4, le) : 0; at !== 0 && at + 2 <= bytes.length && !seen.has(at) && seen.size < 64; ) {
    seen.add(at);
    const n = view.getUint16(at, le);
    if (at + 6 + n * 12 > bytes.length) break;
    let width = 0;
    let height = 0;
    for (let e = at + 2; e < at + 2 + n * 12; e += 12) {
      const tag = view.getUint16(e, le);
      const type = view.getUint16(e + 2, le);
      if ((tag !== 256 && tag !== 257) || (type !== 3 && type !== 4)) continue;
      const v = type === 3 ? view.getUint16(e + 8, le) : view.getUint32(e + 8, le);
      if (tag === 256) width = v;
      else height = v;
    }
    if (!largest || width * height > largest.width * largest.height) largest = { width, height };
    at = view.getUint32(at + 2 + n * 12, le);
  }
  return largest;
}

/**
 * The most pixels one byte of JPEG data can stand for: every 8x8 block of every scan costs at least one bit
 * (a 1-bit Huffman code for its DC value), so 64 pixels per bit.
 */
const JPEG_MAX_PIXELS_PER_BYTE = 512;

/**
 * Refuses, from the header alone and before a decoder allocates anything, an image over MAX_DECODE_PIXELS
 * or a JPEG claiming more pixels than its bytes can code.
 */
function checkClaimedSize(bytes: Uint8Array, format: ImageFormat, fileName: string): void {
  const size = claimedSize(bytes, format);
  if (!size) return;
  const pixels = size.width * size.height;
  const says = `the ${format.toUpperCase()} header says ${size.width} x ${size.height} pixels`;
  if (pixels > MAX_DECODE_PIXELS) {
    const mp = Math.round(pixels / 1e6);
    throw new UnsupportedFormatError(`${says} (${mp} MP), over the pixel limit of ${MAX_DECODE_PIXELS / 1e6} MP`, fileName);
  }
  if (format === 'jpeg' && pixels > bytes.length * JPEG_MAX_PIXELS_PER_BYTE + 65536) {
    throw new DecodeError(`truncated or corrupt JPEG: ${says}, more than ${bytes.length} bytes can hold`, fileName);
  }
}

const DECODERS: Record<ImageFormat, (bytes: Uint8Array, file?: string) => LinearImage> = {
  jpeg: decodeJpeg,
  png: decodePng,
  tiff: decodeTiff,
  exr: decodeExr,
};

/** Interleaved RGB from grey (copied to all three) or RGBA (alpha dropped); RGB is returned as is. */
function toRgb(img: LinearImage): LinearImage {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const src = img.data;
  const out = frameSamples(n * 3);
  if (img.channels === 1) {
    for (let p = 0; p < n; p++) out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = src[p];
  } else {
    for (let p = 0; p < n; p++) {
      out[p * 3] = src[p * 4];
      out[p * 3 + 1] = src[p * 4 + 1];
      out[p * 3 + 2] = src[p * 4 + 2];
    }
  }
  return { ...img, channels: 3, data: out };
}

/** The BigTIFF header: II or MM, then version 43 instead of TIFF's 42. */
function isBigTiff(b: Uint8Array): boolean {
  return b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 43 && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 43));
}

const NAMED: Record<string, string> = { jpg: 'a JPEG', jpeg: 'a JPEG', png: 'a PNG', tif: 'a TIFF', tiff: 'a TIFF', exr: 'an OpenEXR' };

/** Why bytes of no known format were refused: a file named as an image says its name and content disagree. */
function unknownContent(fileName: string): string {
  const named = NAMED[extensionOf(fileName)];
  if (!named) return 'not an image Luxfuse can read (JPEG, PNG, TIFF, EXR)';
  return `not ${named} image, whatever its name says: its content is no image format Luxfuse reads (JPEG, PNG, TIFF, EXR), so the file is damaged or is not an image`;
}

/**
 * What decodeImage checks before any decoder runs: the bytes are not empty, are a format we read (not
 * camera RAW data), and their header claims a size under the limits. Returns the format; throws
 * DecodeError or UnsupportedFormatError naming the file. For callers with a faster decoder of their own
 * (src-main's native JPEG decoder), which must refuse what decodeImage refuses.
 */
export function checkImageBytes(bytes: Uint8Array, fileName: string): ImageFormat {
  if (!bytes || bytes.length === 0) throw new DecodeError('the file is empty', fileName);
  const format = sniffFormat(bytes);
  if (!format) {
    if (isNonTiffRaw(bytes)) throw new UnsupportedFormatError('this is a camera RAW file; RAW decoding is not supported yet', fileName);
    if (isBigTiff(bytes)) throw new UnsupportedFormatError('this is a BigTIFF (64-bit offsets), which Luxfuse does not read; save it as a regular TIFF', fileName);
    throw new DecodeError(unknownContent(fileName), fileName);
  }
  checkClaimedSize(bytes, format, fileName);
  return format;
}

/**
 * Decodes a file's bytes to 3-channel linear RGB. Throws DecodeError (empty, unknown, truncated or
 * corrupt) or UnsupportedFormatError (a known format variant we cannot read, RAW), each naming the file.
 */
export function decodeImage(bytes: Uint8Array, fileName: string): LinearImage {
  return decodeChecked(bytes, checkImageBytes(bytes, fileName), fileName);
}

/** decodeImage after checkImageBytes: bytes it has checked and the format it returned, decoded by our own decoder. */
export function decodeChecked(bytes: Uint8Array, format: ImageFormat, fileName: string): LinearImage {
  let img: LinearImage;
  try {
    img = DECODERS[format](bytes, fileName);
  } catch (e) {
    if (e instanceof LuxfuseError) throw e;
    // Anything else escaping a decoder (a library's own exception) still means the bytes are bad.
    throw new DecodeError(`truncated or corrupt ${format.toUpperCase()}: ${String((e as Error)?.message ?? e)}`, fileName);
  }
  if (img.meta.sourceTransfer === 'linear') finiteLight(img.data);
  return toRgb(img);
}

/**
 * Float files (EXR, float TIFF) may hold samples that are no amount of light: NaN and infinities (a renderer's or
 * a converter's leftovers). One NaN poisons an exposure estimate or a pyramid level, so NaN and -infinity become
 * 0 and +infinity the brightest finite sample, in place. Finite negatives stay: out-of-gamut colours in
 * Rec.709 primaries are real data.
 */
export function finiteLight(data: Float32Array): void {
  let max = 0;
  let bad = false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isFinite(v)) {
      if (v > max) max = v;
    } else bad = true;
  }
  if (!bad) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === Infinity) data[i] = max;
    else if (!Number.isFinite(v)) data[i] = 0;
  }
}
