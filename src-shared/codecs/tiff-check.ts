/** Structural checks on TIFF bytes before utif2 sees them: header, IFD chain bounds and cycles, RAW signatures. */
import { DecodeError, UnsupportedFormatError } from '../errors';

/** A directory as utif2 returns it: tag "tNNN" -> array of values, plus sub-IFDs it followed. */
export type TiffIfd = Record<string, unknown> & { subIFD?: TiffIfd[] };

/** Value i of a tag, or `fallback` when the tag is absent. */
export function tagValue(ifd: TiffIfd, tag: number, i = 0, fallback?: number): number | undefined {
  const v = ifd[`t${tag}`] as ArrayLike<unknown> | undefined;
  return v && v.length > i && typeof v[i] === 'number' ? (v[i] as number) : fallback;
}

/** All values of a numeric tag (empty when absent). */
export function tagValues(ifd: TiffIfd, tag: number): number[] {
  const v = ifd[`t${tag}`] as ArrayLike<unknown> | undefined;
  return v ? Array.from(v as ArrayLike<number>).filter((x) => typeof x === 'number') : [];
}

/**
 * Checks the header and walks the top-level IFD chain. utif2 follows next-IFD pointers without
 * bounds or cycle checks, so a corrupt file could otherwise hang or read garbage. Returns the byte order.
 */
export function checkTiffStructure(bytes: Uint8Array, file?: string): { littleEndian: boolean } {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt TIFF: ${why}`, file);
  if (bytes.length < 8) throw corrupt('file is shorter than a TIFF header');
  const le = bytes[0] === 0x49 && bytes[1] === 0x49;
  if (!le && !(bytes[0] === 0x4d && bytes[1] === 0x4d)) throw new DecodeError('not a TIFF file', file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(2, le);
  if (magic === 43) throw new UnsupportedFormatError('BigTIFF files are not supported', file);
  if (magic !== 42) throw new DecodeError('not a TIFF file', file);
  // Canon CR2 is a TIFF with "CR" right after the header.
  if (bytes[8] === 0x43 && bytes[9] === 0x52) throw rawError(file);
  const seen = new Set<number>();
  let at = view.getUint32(4, le);
  if (at === 0) throw corrupt('no image directory');
  while (at !== 0) {
    if (seen.has(at)) throw corrupt('image directories form a loop');
    if (seen.size >= 1000) throw corrupt('too many image directories');
    seen.add(at);
    if (at + 2 > bytes.length) throw corrupt(`image directory at ${at} lies past the end of the file`);
    const count = view.getUint16(at, le);
    const next = at + 2 + count * 12;
    if (next + 4 > bytes.length) throw corrupt(`image directory at ${at} runs past the end of the file`);
    at = view.getUint32(next, le);
  }
  return { littleEndian: le };
}

export function rawError(file?: string): UnsupportedFormatError {
  return new UnsupportedFormatError('this is a camera RAW file; RAW decoding is not supported yet', file);
}

/** True when a directory (or one below it) holds sensor data: CFA or LinearRaw photometric, or a DNG version tag. */
export function isRawIfd(ifd: TiffIfd): boolean {
  const photometric = tagValue(ifd, 262);
  if (photometric === 32803 || photometric === 34892 || ifd.t50706 !== undefined) return true;
  return (ifd.subIFD ?? []).some(isRawIfd);
}
