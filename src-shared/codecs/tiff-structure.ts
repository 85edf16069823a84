/** Lays out a TIFF byte structure: header, IFD0, an optional Exif sub-IFD, and strip data with their offsets. */
import { utf8Bytes } from './utf8';

/** TIFF field types we write, with their sizes in bytes. */
export const TIFF_BYTE = 1;
export const TIFF_ASCII = 2;
export const TIFF_SHORT = 3;
export const TIFF_LONG = 4;
export const TIFF_RATIONAL = 5;
export const TIFF_UNDEFINED = 7;
export const TIFF_SRATIONAL = 10;
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 10: 8 };

export interface TiffEntry {
  tag: number;
  type: number;
  /** Numbers (rationals as flat [num, den, num, den...]), a string (ASCII, NUL added), or raw bytes. */
  value: number[] | string | Uint8Array;
}

export const TAG_STRIP_OFFSETS = 273;
export const TAG_STRIP_BYTE_COUNTS = 279;
export const TAG_EXIF_IFD = 34665;

/** UTF-8 bytes of a string plus NUL: EXIF says ASCII, but UTF-8 is what readers (exifr, exiftool) accept. */
function asciiBytes(s: string): Uint8Array {
  return new Uint8Array([...utf8Bytes(s), 0]);
}

function count(e: TiffEntry): number {
  if (typeof e.value === 'string') return asciiBytes(e.value).length;
  if (e.value instanceof Uint8Array) return e.value.length;
  return e.type === TIFF_RATIONAL || e.type === TIFF_SRATIONAL ? e.value.length / 2 : e.value.length;
}

const byteSize = (e: TiffEntry): number => count(e) * TYPE_SIZE[e.type];
const even = (n: number): number => n + (n & 1);

/** Bytes an IFD takes with its out-of-line values (each value starts on an even offset, as TIFF requires). */
function ifdSize(entries: TiffEntry[]): number {
  return entries.reduce((n, e) => (byteSize(e) > 4 ? n + even(byteSize(e)) : n), 2 + entries.length * 12 + 4);
}

function writeIfd(view: DataView, at: number, entries: TiffEntry[], le: boolean): void {
  view.setUint16(at, entries.length, le);
  let extra = at + 2 + entries.length * 12 + 4; // out-of-line values follow the IFD; next-IFD offset stays 0
  entries.forEach((e, i) => {
    const p = at + 2 + i * 12;
    const n = byteSize(e);
    view.setUint16(p, e.tag, le);
    view.setUint16(p + 2, e.type, le);
    view.setUint32(p + 4, count(e), le);
    let v = p + 8;
    if (n > 4) {
      view.setUint32(p + 8, extra, le);
      v = extra;
      extra += even(n);
    }
    const bytes = typeof e.value === 'string' ? asciiBytes(e.value) : e.value;
    if (bytes instanceof Uint8Array) {
      new Uint8Array(view.buffer).set(bytes, v);
      return;
    }
    bytes.forEach((x, k) => {
      if (e.type === TIFF_BYTE) view.setUint8(v + k, x);
      else if (e.type === TIFF_SHORT) view.setUint16(v + 2 * k, x, le);
      else if (e.type === TIFF_SRATIONAL) view.setInt32(v + 4 * k, x, le);
      else view.setUint32(v + 4 * k, x, le); // LONG, RATIONAL
    });
  });
}

export interface TiffLayout {
  littleEndian: boolean;
  ifd0: TiffEntry[];
  /** Exif sub-IFD entries; when non-empty, IFD0 gets the ExifIFD pointer (tag 34665). */
  exif?: TiffEntry[];
  /** Image strips; IFD0 gets StripOffsets and StripByteCounts for them. */
  strips?: Uint8Array[];
}

/** Serialises a TIFF with one image directory. Entries are sorted by tag, as the format requires. */
export function writeTiffStructure(layout: TiffLayout): Uint8Array {
  const { littleEndian: le, strips = [] } = layout;
  const exif = [...(layout.exif ?? [])].sort((a, b) => a.tag - b.tag);
  const ifd0 = layout.ifd0.filter((e) => ![TAG_EXIF_IFD, TAG_STRIP_OFFSETS, TAG_STRIP_BYTE_COUNTS].includes(e.tag));
  // Pointer values are placeholders here: sizes do not depend on them, so layout can be computed first.
  if (exif.length) ifd0.push({ tag: TAG_EXIF_IFD, type: TIFF_LONG, value: [0] });
  if (strips.length) {
    ifd0.push({ tag: TAG_STRIP_OFFSETS, type: TIFF_LONG, value: strips.map(() => 0) });
    ifd0.push({ tag: TAG_STRIP_BYTE_COUNTS, type: TIFF_LONG, value: strips.map((s) => s.length) });
  }
  ifd0.sort((a, b) => a.tag - b.tag);
  for (const e of [...ifd0, ...exif]) {
    if (!(e.type in TYPE_SIZE)) throw new RangeError(`unsupported TIFF field type ${e.type} for tag ${e.tag}`);
  }

  const exifAt = 8 + ifdSize(ifd0);
  let at = exif.length ? exifAt + ifdSize(exif) : exifAt;
  const stripAt = strips.map((s) => {
    const here = at;
    at = even(at + s.length);
    return here;
  });
  if (exif.length) ifd0.find((e) => e.tag === TAG_EXIF_IFD)!.value = [exifAt];
  if (strips.length) ifd0.find((e) => e.tag === TAG_STRIP_OFFSETS)!.value = stripAt;

  const out = new Uint8Array(at);
  const view = new DataView(out.buffer);
  out[0] = out[1] = le ? 0x49 : 0x4d; // "II" or "MM"
  view.setUint16(2, 42, le);
  view.setUint32(4, 8, le);
  writeIfd(view, 8, ifd0, le);
  if (exif.length) writeIfd(view, exifAt, exif, le);
  strips.forEach((s, i) => out.set(s, stripAt[i]));
  return out;
}
