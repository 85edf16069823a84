/** Decodes any image file Luxfuse reads (JPEG, PNG, TIFF, EXR) to linear RGB, chosen by magic bytes, not by name. */
import { DecodeError, LuxfuseError, UnsupportedFormatError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { decodeExr } from './exr-read';
import { decodeJpeg } from './jpeg';
import { decodePng } from './png';
import { decodeTiff } from './tiff';

export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'exr';

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
  const out = new Float32Array(n * 3);
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

/**
 * Decodes a file's bytes to 3-channel linear RGB. Throws DecodeError (empty, unknown, truncated or
 * corrupt) or UnsupportedFormatError (a known format variant we cannot read, RAW), each naming the file.
 */
export function decodeImage(bytes: Uint8Array, fileName: string): LinearImage {
  if (!bytes || bytes.length === 0) throw new DecodeError('the file is empty', fileName);
  const format = sniffFormat(bytes);
  if (!format) {
    if (isNonTiffRaw(bytes)) throw new UnsupportedFormatError('this is a camera RAW file; RAW decoding is not supported yet', fileName);
    throw new DecodeError('not an image Luxfuse can read (JPEG, PNG, TIFF, EXR)', fileName);
  }
  let img: LinearImage;
  try {
    img = DECODERS[format](bytes, fileName);
  } catch (e) {
    if (e instanceof LuxfuseError) throw e;
    // Anything else escaping a decoder (a library's own exception) still means the bytes are bad.
    throw new DecodeError(`truncated or corrupt ${format.toUpperCase()}: ${String((e as Error)?.message ?? e)}`, fileName);
  }
  return toRgb(img);
}
