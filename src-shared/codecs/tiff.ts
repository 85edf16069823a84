/** TIFF reader (via utif2): 8/16-bit integer (sRGB) or 16/32-bit float (linear), grey or RGB, to a LinearImage. */
import UTIF from 'utif2';
import { DecodeError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { checkTiffStructure, isRawIfd, rawError, tagValue, type TiffIfd } from './tiff-check';
import { readTiffImageLayout } from './tiff-layout';
import { swapBytes, tiffSamplesToLinear, undoFloatPredictorRow } from './tiff-samples';

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

/** Decodes the first full-resolution image of a TIFF. RAW files (DNG, CR2, NEF...) give UnsupportedFormatError. */
export function decodeTiff(bytes: Uint8Array, fileName?: string): LinearImage {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt TIFF: ${why}`, fileName);
  const { littleEndian } = checkTiffStructure(bytes, fileName);
  // utif2 reads through ArrayBuffer offsets, so it needs a buffer holding exactly the file.
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : bytes.slice().buffer;
  let ifds: TiffIfd[];
  try {
    ifds = UTIF.decode(buffer) as unknown as TiffIfd[];
  } catch (e) {
    throw corrupt(String((e as Error)?.message ?? e));
  }
  if (ifds.some(isRawIfd)) throw rawError(fileName);
  // Skip reduced-resolution copies (NewSubfileType bit 0): the first full image is the one we want.
  const ifd = ifds.find((d) => d.t256 && ((tagValue(d, 254, 0, 0) ?? 0) & 1) === 0) ?? ifds.find((d) => d.t256);
  if (!ifd) throw corrupt('no image in the file');

  const { width, height, spp, bits, float, photometric, keep, predictor, tiled, tileW } = readTiffImageLayout(ifd, bytes.length, fileName);

  try {
    withoutUtifLogging(() => UTIF.decodeImage(buffer, ifd as unknown as UTIF.IFD));
  } catch (e) {
    throw corrupt(String((e as Error)?.message ?? e));
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
  return {
    width,
    height,
    channels: keep,
    data: tiffSamplesToLinear(data, {
      width, height, samplesPerPixel: spp, keep, bits: bits as 8 | 16 | 32, float,
      invert: photometric === 0,
    }),
    ev: null,
    meta: {
      sourceName: fileName,
      sourceTransfer: float ? 'linear' : 'srgb',
      sourceBits: bits,
      clipLevel: float ? Infinity : 1,
    },
  };
}
