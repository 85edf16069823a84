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

/** Bytes per value of the TIFF field types utif2 reads (1..13). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
/** Tags whose values utif2 follows as offsets of further IFDs: SubIFDs, Exif, GPS, Fuji. */
const SUB_IFD_TAGS = new Set([330, 34665, 34853, 61440]);
const MAX_IFDS = 1000;
const MAX_IFD_DEPTH = 8;

/**
 * Checks the header and walks every IFD utif2 will read: the top-level chain and the sub-IFDs it follows.
 * utif2 follows offsets without bounds or cycle checks and loops over each tag's declared value count,
 * so a corrupt file could otherwise hang, recurse without end or allocate billions of values. Returns the byte order.
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

  /** Checks one IFD's entries; returns the offset of the next IFD in its chain. */
  const checkIfd = (at: number, depth: number): number => {
    if (seen.has(at)) throw corrupt('image directories form a loop');
    if (seen.size >= MAX_IFDS) throw corrupt('too many image directories');
    seen.add(at);
    if (at + 2 > bytes.length) throw corrupt(`image directory at ${at} lies past the end of the file`);
    const count = view.getUint16(at, le);
    const next = at + 2 + count * 12;
    if (next + 4 > bytes.length) throw corrupt(`image directory at ${at} runs past the end of the file`);
    for (let e = at + 2; e < next; e += 12) {
      const tag = view.getUint16(e, le);
      const type = view.getUint16(e + 2, le);
      // utif2 skips entries of unknown types, and stops at the directory's first entry when that one is unknown.
      if (type < 1 || type > 13) {
        if (e === at + 2) return 0;
        continue;
      }
      const n = view.getUint32(e + 4, le);
      const size = n * TYPE_SIZE[type];
      const valueAt = size <= 4 ? e + 8 : view.getUint32(e + 8, le);
      // BYTE, ASCII and UNDEFINED values are clipped to the file by utif2; numbers are read one by one, n times.
      const end = type === 1 || type === 2 || type === 7 ? valueAt : valueAt + size;
      if (end > bytes.length) throw corrupt(`tag ${tag} (${n} values) runs past the end of the file`);
      if (SUB_IFD_TAGS.has(tag)) {
        // utif2 reads a directory at every value of these tags, whatever their type, and follows no chain from there.
        for (const sub of offsetValues(view, valueAt, type, n, le)) {
          if (depth >= MAX_IFD_DEPTH) throw corrupt('image directories nest too deep');
          checkIfd(sub, depth + 1);
        }
      }
    }
    return view.getUint32(next, le);
  };

  let at = view.getUint32(4, le);
  if (at === 0) throw corrupt('no image directory');
  // utif2 also ends the chain at a directory whose first entry has an unknown type.
  while (at !== 0) at = checkIfd(at, 0);
  return { littleEndian: le };
}

/** Values of an entry that utif2 would take as directory offsets: whole numbers inside the file. */
function offsetValues(view: DataView, at: number, type: number, n: number, le: boolean): number[] {
  const read: Record<number, (i: number) => number> = {
    1: (i) => view.getUint8(at + i),
    7: (i) => view.getUint8(at + i),
    3: (i) => view.getUint16(at + 2 * i, le),
    8: (i) => view.getInt16(at + 2 * i, le),
    4: (i) => view.getUint32(at + 4 * i, le),
    13: (i) => view.getUint32(at + 4 * i, le),
    9: (i) => view.getInt32(at + 4 * i, le),
    11: (i) => view.getFloat32(at + 4 * i, le),
    12: (i) => view.getFloat64(at + 8 * i, le),
  };
  const get = read[type];
  if (!get) return [];
  const out: number[] = [];
  for (let i = 0; i < n && at + i < view.byteLength; i++) {
    const v = get(i);
    if (Number.isInteger(v) && v >= 0 && v + 2 <= view.byteLength) out.push(v);
  }
  return out;
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
