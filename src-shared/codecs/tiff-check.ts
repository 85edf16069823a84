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
export const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
/** Tags whose values utif2 follows as offsets of further IFDs: SubIFDs, Exif, GPS, Fuji. */
export const SUB_IFD_TAGS = new Set([330, 34665, 34853, 61440]);
/** DNGPrivateData: utif2 may follow it as a directory too (see privateDataOffset). */
const DNG_PRIVATE_DATA = 50740;
/** Field types whose values utif2 reads at the stored offset even when they would fit in the entry: rationals, floats, doubles. */
export const OFFSET_ONLY_TYPES = new Set([5, 10, 11, 12]);
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
      // utif2 reads rationals, floats and doubles at the stored offset even when they would fit inline.
      const valueAt = size <= 4 && !OFFSET_ONLY_TYPES.has(type) ? e + 8 : view.getUint32(e + 8, le);
      // BYTE, ASCII and UNDEFINED values are clipped to the file by utif2; numbers are read one by one, n times.
      const end = type === 1 || type === 2 || type === 7 ? valueAt : valueAt + size;
      if (end > bytes.length) throw corrupt(`tag ${tag} (${n} values) runs past the end of the file`);
      if (SUB_IFD_TAGS.has(tag)) {
        // utif2 reads a directory at every value of these tags, whatever their type, and follows no chain from there.
        for (const sub of offsetValues(view, valueAt, type, n, le, () => corrupt(`tag ${tag} points at a directory at an offset that is not a whole number`))) {
          if (depth >= MAX_IFD_DEPTH) throw corrupt('image directories nest too deep');
          checkIfd(sub, depth + 1);
        }
      }
      if (tag === DNG_PRIVATE_DATA) {
        // utif2 takes the first four values as the bytes of an offset and reads a directory there if it starts with a count under 300.
        const sub = privateDataOffset(view, valueAt, type, n, le);
        if (sub + 2 <= bytes.length && view.getUint16(sub, le) < 300) {
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

/**
 * Values of an entry that utif2 would take as directory offsets: whole numbers inside the file. A
 * fractional or negative one is refused (`bad`): utif2 would read a count from the byte after it (a
 * denormal double offset reads as byte 1, 'I' or 'M', so tens of thousands of garbage entries).
 */
function offsetValues(view: DataView, at: number, type: number, n: number, le: boolean, bad: () => Error): number[] {
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
    if (!Number.isInteger(v) || v < 0) throw bad();
    if (v + 2 <= view.byteLength) out.push(v);
  }
  return out;
}

/** The offset utif2 makes of a DNGPrivateData entry: its first four values, each cut to a byte, read as a 32-bit number. */
function privateDataOffset(view: DataView, at: number, type: number, n: number, le: boolean): number {
  const value = (i: number): number => {
    if (i >= n) return 0;
    const size = TYPE_SIZE[type];
    if (at + (i + 1) * size > view.byteLength) return 0;
    if (type === 1 || type === 7) return view.getUint8(at + i);
    // ASCII: utif2 keeps a string (no bytes) unless the first byte is 128 or more.
    if (type === 2) return view.getUint8(at) >= 128 ? view.getUint8(at + i) : 0;
    if (type === 3) return view.getUint16(at + 2 * i, le);
    if (type === 8) return view.getInt16(at + 2 * i, le);
    if (type === 4 || type === 13) return view.getUint32(at + 4 * i, le);
    if (type === 9) return view.getInt32(at + 4 * i, le);
    if (type === 11) return view.getFloat32(at + 4 * i, le);
    if (type === 12) return view.getFloat64(at + 8 * i, le);
    return 0;
  };
  const b = Uint8Array.from([0, 1, 2, 3].map((i) => (Number.isFinite(value(i)) ? Math.trunc(value(i)) & 0xff : 0)));
  return le ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0 : (b[3] | (b[2] << 8) | (b[1] << 16) | (b[0] << 24)) >>> 0;
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
