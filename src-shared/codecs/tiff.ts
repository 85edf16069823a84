/** TIFF reader (via utif2): 8/16-bit integer (sRGB) or 16/32-bit float (linear), grey or RGB, to a LinearImage. */
import UTIF from 'utif2';
import { DecodeError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { checkTiffStructure, isRawIfd, rawError, tagValue, tagValues, type TiffIfd } from './tiff-check';
import { chooseImage, readTiffImageLayout, type TiffImageLayout } from './tiff-layout';
import { zlibBackend } from './zlib-backend';
import { swapBytes, tiffSamplesToLinear, undoFloatPredictorRow, type TiffSampleLayout } from './tiff-samples';
import { frameSamples } from '../image/samples';

export { encodeTiff, type TiffEncodeOptions } from './tiff-write';

/** Runs f with console.log silenced: utif2 prints a debug line ("==== tx ty") for every tiled image it decodes. */
function withoutUtifLogging<T>(f: () => T): T {
  const con = (globalThis as { console?: { log: (...args: unknown[]) => void } }).console;
  if (!con) return f();
  const log = con.log;
  con.log = () => {};
  try {
    return f();
  } finally {
    con.log = log;
  }
}

/**
 * TIFF LZW (codes of 9 to 12 bits, most significant bit first, "early change") into out: stops at the
 * end-of-information code, at the end of the input or when out is full, so it can neither hang nor run
 * past a buffer. Returns the number of bytes written; throws on a code the table does not hold.
 * utif2's own decoder loops forever once a corrupt stream overflows its code table.
 */
export function decodeTiffLzw(src: Uint8Array, out: Uint8Array): number {
  const prefix = new Uint16Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    length[i] = 1;
  }
  const bits = src.length * 8;
  let width = 9;
  let next = 258;
  let prev = -1;
  let pos = 0;
  let o = 0;
  /** Writes the string of `code` at o (clipped to out); returns its first byte. */
  const put = (code: number): number => {
    let c = code;
    for (let i = length[code] - 1; i > 0; i--) {
      if (o + i < out.length) out[o + i] = suffix[c];
      c = prefix[c];
    }
    if (o < out.length) out[o] = suffix[c];
    o += length[code];
    return suffix[c];
  };
  while (pos + width <= bits && o < out.length) {
    const at = pos >>> 3;
    const word = (src[at] << 16) | ((src[at + 1] ?? 0) << 8) | (src[at + 2] ?? 0);
    const code = (word >>> (24 - (pos & 7) - width)) & ((1 << width) - 1);
    pos += width;
    if (code === 257) break;
    if (code === 256) {
      width = 9;
      next = 258;
      prev = -1;
      continue;
    }
    if (prev < 0) {
      if (code > 255) throw new Error(`LZW data starts with code ${code}`);
      put(code);
      prev = code;
      continue;
    }
    let first: number;
    if (code < next) first = put(code);
    else if (code === next) {
      first = put(prev);
      if (o < out.length) out[o] = first;
      o++;
    } else throw new Error(`LZW code ${code} is not in the table (${next} entries)`);
    if (next < 4096) {
      prefix[next] = prev;
      suffix[next] = first;
      length[next] = length[prev] + 1;
      next++;
      if (next + 1 >= 1 << width && width < 12) width++;
    }
    prev = code;
  }
  return Math.min(o, out.length);
}

type Decompress = (
  img: TiffIfd, ifds: TiffIfd[], data: Uint8Array, off: number, len: number, cmpr: number,
  tgt: Uint8Array, toff: number, fo: number, w: number, h: number,
) => void;

/**
 * Routes utif2's LZW and Deflate strips and tiles through bounded decoders: its LZW can loop forever on
 * corrupt codes, and its Deflate inflates without a size limit (a small file could expand to gigabytes).
 * Each chunk expands into a buffer of exactly the size it should have; utif2 then copies it as if uncompressed
 * and applies the predictor and byte order itself.
 */
function boundUtifDecompression(): void {
  const decode = UTIF.decode as unknown as { _decompress: Decompress; luxfuseBounded?: boolean };
  if (decode.luxfuseBounded) return;
  const original = decode._decompress;
  decode._decompress = function (this: unknown, img, ifds, data, off, len, cmpr, tgt, toff, fo, w, h) {
    if (cmpr !== 5 && cmpr !== 8 && cmpr !== 32946) return original.call(this, img, ifds, data, off, len, cmpr, tgt, toff, fo, w, h);
    const bps = Math.min(32, tagValue(img, 258, 0, 1)!);
    const spp = tagValue(img, 277, 0, 1)!;
    const size = Math.ceil((bps * spp * w) / 8) * h;
    const src = data.subarray(off, off + len);
    // Adobe Deflate is a zlib stream: skip its 2-byte header (the Adler-32 at the end is not checked, as in libtiff).
    const out = cmpr === 5 ? new Uint8Array(size) : zlibBackend().inflateRaw(src.subarray(2), size);
    const n = cmpr === 5 ? decodeTiffLzw(src, out) : out.length;
    return original.call(this, img, ifds, out, 0, n, 1, tgt, toff, fo, w, h);
  };
  decode.luxfuseBounded = true;
}

/**
 * A TIFF's directories through utif2, after checkTiffStructure (which refuses chains that loop or leave the file, where
 * utif2 would run forever or read garbage), and the buffer utif2 reads pixels from. Throws DecodeError naming the file.
 */
export function readTiffDirectories(bytes: Uint8Array, fileName?: string): { littleEndian: boolean; buffer: ArrayBuffer; ifds: TiffIfd[] } {
  const { littleEndian } = checkTiffStructure(bytes, fileName);
  // utif2 reads through ArrayBuffer offsets, so it needs a buffer holding exactly the file.
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : bytes.slice().buffer;
  try {
    // No maker notes: we do not need them, and utif2 parses some as whole nested TIFFs.
    const decode = UTIF.decode as unknown as (b: ArrayBuffer, prm: { parseMN: boolean; debug: boolean }) => TiffIfd[];
    return { littleEndian, buffer, ifds: decode(buffer, { parseMN: false, debug: false }) };
  } catch (e) {
    const why = isEngineError(e) ? 'its image directories cannot be read' : String((e as Error)?.message ?? e);
    throw new DecodeError(`truncated or corrupt TIFF: ${why}`, fileName);
  }
}

/**
 * Decodes the first full-resolution image of a TIFF (chooseImage: meta.decodeWarnings says when there were several
 * or none). RAW files (DNG, CR2, NEF...) give UnsupportedFormatError.
 */
export function decodeTiff(bytes: Uint8Array, fileName?: string): LinearImage {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt TIFF: ${why}`, fileName);
  const { littleEndian, buffer, ifds } = readTiffDirectories(bytes, fileName);
  if (ifds.some(isRawIfd)) throw rawError(fileName);
  const { ifd, warnings } = chooseImage(ifds, fileName);

  const layout = readTiffImageLayout(ifd, bytes.length, fileName);
  const { width, height, spp, bits, float, compression, photometric, keep, predictor, tiled, tileH, planar } = layout;

  const sampleLayout = { width, height, samplesPerPixel: spp, keep, bits: bits as 8 | 16 | 32, float, invert: photometric === 0 };
  const meta = {
    sourceName: fileName,
    sourceTransfer: float ? 'linear' as const : 'srgb' as const,
    sourceBits: bits,
    clipLevel: float ? Infinity : 1,
    ...(warnings.length > 0 ? { decodeWarnings: warnings } : {}),
  };
  if (compression === 1 && !tiled && !planar && predictor === 1 && (littleEndian || bits === 8)) {
    // Uncompressed strips in host byte order: convert them where they lie in the file (utif2 would first copy the whole image byte by byte).
    return { width, height, channels: keep, data: uncompressedStripsToLinear(bytes, ifd, sampleLayout, tileH), ev: null, meta };
  }
  if (compression === 7 && spp === 1) {
    // utif2's JPEG decoder writes grey as RGB triplets: decode as three 8-bit samples a pixel, keep one.
    const rgb = chunkySamples(buffer, { ...ifd, t277: [3], t258: [8, 8, 8] }, { ...layout, spp: 3 }, littleEndian, corrupt);
    const grey = new Uint8Array(width * height);
    for (let p = 0; p < grey.length; p++) grey[p] = rgb[p * 3];
    return { width, height, channels: keep, data: tiffSamplesToLinear(grey, sampleLayout), ev: null, meta };
  }
  if (!planar) return { width, height, channels: keep, data: tiffSamplesToLinear(chunkySamples(buffer, ifd, layout, littleEndian, corrupt), sampleLayout), ev: null, meta };

  // Separate planes: each kept plane decoded as a one-sample image of its own chunks, then interleaved.
  const size = bits / 8;
  // Each plane's chunks, as readTiffImageLayout counted them (a list longer than that has extra entries at its end).
  const perPlane = Math.ceil(width / layout.tileW) * Math.ceil(height / tileH);
  const interleaved = new Uint8Array(width * height * keep * size);
  for (let c = 0; c < keep; c++) {
    const part = (tag: number): number[] => tagValues(ifd, tag).slice(c * perPlane, (c + 1) * perPlane);
    const plane: TiffIfd = { ...ifd, t277: [1], t258: [bits], t339: [float ? 3 : 1], t284: [1], t262: [1], t338: undefined };
    if (tiled) Object.assign(plane, { t324: part(324), t325: part(325) });
    else Object.assign(plane, { t273: part(273), t279: part(279) });
    const samples = chunkySamples(buffer, plane, { ...layout, spp: 1, keep: 1, photometric: 1 }, littleEndian, corrupt);
    for (let p = 0, n = width * height; p < n; p++) {
      for (let b = 0; b < size; b++) interleaved[(p * keep + c) * size + b] = samples[p * size + b];
    }
  }
  return { width, height, channels: keep, data: tiffSamplesToLinear(interleaved, { ...sampleLayout, samplesPerPixel: keep }), ev: null, meta };
}

/**
 * The decompressed samples of an interleaved (or single-plane) directory through utif2, predictors undone, in host
 * (little-endian) byte order, rows packed.
 */
function chunkySamples(buffer: ArrayBuffer, ifd: TiffIfd, layout: TiffImageLayout, littleEndian: boolean, corrupt: (why: string) => DecodeError): Uint8Array {
  const { width, height, spp, bits, photometric, predictor, tiled, tileW } = layout;
  // utif2 dereferences PhotometricInterpretation without checking it is there; the layout has its default.
  ifd.t262 ??= [photometric];
  boundUtifDecompression();
  try {
    withoutUtifLogging(() => UTIF.decodeImage(buffer, ifd as unknown as UTIF.IFD));
  } catch (e) {
    // A JavaScript error from inside utif2 (an offset out of bounds...) says nothing to a photographer.
    throw corrupt(isEngineError(e) ? 'the pixel data does not fit the image layout its header describes' : String((e as Error)?.message ?? e));
  }
  const data = ifd.data as Uint8Array | undefined;
  const rowBytes = (width * spp * bits) / 8;
  if (!data || data.length < rowBytes * height) throw corrupt('pixel data is shorter than the image');

  const size = bits === 32 ? 4 : 2;
  const length = rowBytes * height;
  if (predictor === 3) {
    // utif2 does not know this predictor, and byte-swapped big-endian 16-bit rows before it: swap back first.
    if (bits === 16 && !littleEndian) swapBytes(data, 2, length);
    const segment = tiled ? tileW * spp * size : rowBytes; // the predictor runs per row of a strip or of a tile
    const scratch = new Uint8Array(segment);
    for (let at = 0; at < length; at += segment) undoFloatPredictorRow(data.subarray(at, at + segment), spp, size, scratch);
    // libtiff (the reference writer) applies the predictor to samples already in file byte order,
    // so in big-endian files the planes come least significant first: swap to match.
    if (!littleEndian) swapBytes(data, size, length);
  } else if (bits === 32 && !littleEndian) {
    swapBytes(data, 4, length); // utif2 swaps 16-bit big-endian samples itself, but not 32-bit ones
  }
  return data;
}

/** Each strip converted straight from the file's bytes into one output image (readTiffImageLayout has checked every strip lies in the file). */
function uncompressedStripsToLinear(bytes: Uint8Array, ifd: TiffIfd, layout: TiffSampleLayout, rowsPerStrip: number): Float32Array {
  const { width, height, samplesPerPixel: spp, keep, bits } = layout;
  const offsets = tagValues(ifd, 273);
  const rowBytes = (width * spp * bits) / 8;
  const out = frameSamples(width * height * keep);
  for (let i = 0, y = 0; y < height; i++, y += rowsPerStrip) {
    const rows = Math.min(rowsPerStrip, height - y);
    const strip = bytes.subarray(offsets[i], offsets[i] + rows * rowBytes);
    tiffSamplesToLinear(strip, { ...layout, height: rows }, out, y * width);
  }
  return out;
}

/** Errors the JavaScript engine raises (bad offsets, undefined values), as opposed to a decoder's own message. */
function isEngineError(e: unknown): boolean {
  return e instanceof RangeError || e instanceof TypeError || e instanceof ReferenceError;
}
