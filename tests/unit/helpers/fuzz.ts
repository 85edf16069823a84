/**
 * Seeded mutation fuzzing helpers: a PRNG, byte-level mutators, and views of the structures the mutators
 * aim at (TIFF IFD entries, PNG chunks, JPEG segments, EXR attributes), so that mutations hit the fields
 * decoders trust rather than only random bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../../../src-shared/random';

/** The seed of a fuzz run: LUXFUSE_FUZZ_SEED when set (to replay or explore), else the fixed CI seed. */
export function fuzzSeed(fallback = 20260314): number {
  const env = Number(process.env.LUXFUSE_FUZZ_SEED);
  return Number.isInteger(env) && env > 0 ? env : fallback;
}

/** Cases per format: LUXFUSE_FUZZ_SCALE scales a longer run (e.g. 10 for ten times the CI count). */
export function fuzzScale(): number {
  const env = Number(process.env.LUXFUSE_FUZZ_SCALE);
  return Number.isFinite(env) && env > 0 ? env : 1;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  return { next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)] };
}

/** Values that break size arithmetic: zero, one, sign bits, all ones, and the huge sizes of the issue. */
export const NASTY_U32 = [0, 1, 2, 0x7fff, 0x8000, 0xffff, 0x10000, 100_000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
export const NASTY_U16 = [0, 1, 2, 3, 7, 64, 255, 0x7fff, 0x8000, 0xffff];

/** The first `length` bytes, copied. */
export const truncate = (bytes: Uint8Array, length: number): Uint8Array => bytes.slice(0, Math.max(0, length));

/** A copy with `count` random bits flipped (anywhere, or from `from` on). */
export function flipBits(bytes: Uint8Array, r: Rng, count: number, from = 0): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < count; i++) {
    const at = from + r.int(out.length - from);
    out[at] ^= 1 << r.int(8);
  }
  return out;
}

export function writeUint(bytes: Uint8Array, at: number, size: 1 | 2 | 4, value: number, littleEndian: boolean): void {
  if (at < 0 || at + size > bytes.length) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 1) view.setUint8(at, value & 0xff);
  else if (size === 2) view.setUint16(at, value & 0xffff, littleEndian);
  else view.setUint32(at, value >>> 0, littleEndian);
}

// ---- TIFF ----

export interface TiffEntryRef {
  /** The IFD's offset in the file. */
  ifd: number;
  /** Offset of the 12-byte entry. */
  at: number;
  tag: number;
  type: number;
  count: number;
  /** Offset of the first value (inline in the entry or where its pointer leads). */
  valueAt: number;
}

const TIFF_TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

/** Every entry of every IFD reachable from the header (chain, SubIFDs, Exif IFD), for well-formed files. */
export function tiffEntries(bytes: Uint8Array, start = 0): { littleEndian: boolean; entries: TiffEntryRef[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[start] === 0x49;
  const u16 = (at: number): number => view.getUint16(at, le);
  const u32 = (at: number): number => view.getUint32(at, le);
  const entries: TiffEntryRef[] = [];
  const seen = new Set<number>();
  const queue = [u32(start + 4)];
  while (queue.length) {
    const ifd = queue.shift()!;
    if (ifd === 0 || seen.has(ifd) || start + ifd + 2 > bytes.length) continue;
    seen.add(ifd);
    const n = u16(start + ifd);
    for (let i = 0; i < n; i++) {
      const at = start + ifd + 2 + i * 12;
      if (at + 12 > bytes.length) break;
      const tag = u16(at);
      const type = u16(at + 2);
      const count = u32(at + 4);
      const inline = (TIFF_TYPE_SIZE[type] ?? 1) * count <= 4;
      const valueAt = inline ? at + 8 : start + u32(at + 8);
      entries.push({ ifd: start + ifd, at, tag, type, count, valueAt });
      if (tag === 330 || tag === 34665) for (let k = 0; k < Math.min(count, 16); k++) queue.push(type === 3 ? u16(valueAt + 2 * k) : u32(valueAt + 4 * k));
    }
    const nextAt = start + ifd + 2 + n * 12;
    if (nextAt + 4 <= bytes.length) queue.push(u32(nextAt));
  }
  return { littleEndian: le, entries };
}

/** Writes value i of an entry in its own type (SHORT or LONG; other types get the low bytes). */
export function setTiffValue(bytes: Uint8Array, e: TiffEntryRef, value: number, le: boolean, i = 0): void {
  const size = e.type === 3 || e.type === 8 ? 2 : e.type === 1 || e.type === 6 || e.type === 2 || e.type === 7 ? 1 : 4;
  writeUint(bytes, e.valueAt + i * size, size, value, le);
}

// ---- PNG ----

export interface PngChunk {
  type: string;
  /** Offset of the length field; data starts at at + 8, CRC at at + 8 + length. */
  at: number;
  length: number;
}

export function pngChunks(bytes: Uint8Array): PngChunk[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    chunks.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), at, length });
    at += 12 + length;
  }
  return chunks;
}

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Recomputes a chunk's CRC so the mutation inside it gets past the CRC check to the code behind it. */
export function fixPngCrc(bytes: Uint8Array, chunk: PngChunk): void {
  const end = chunk.at + 8 + chunk.length;
  if (end + 4 > bytes.length) return;
  writeUint(bytes, end, 4, crc32(bytes.subarray(chunk.at + 4, end)), false);
}

// ---- JPEG ----

export interface JpegSegment {
  marker: number;
  /** Offset of the 0xFF; the length field (when the segment has one) is at at + 2. */
  at: number;
  /** The length field's value (it counts itself), 0 for markers without one. */
  length: number;
}

/** Segments up to and including the first SOS. */
export function jpegSegments(bytes: Uint8Array): JpegSegment[] {
  const segments: JpegSegment[] = [];
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff; ) {
    const marker = bytes[at + 1];
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    segments.push({ marker, at, length });
    if (marker === 0xda) break;
    at += 2 + length;
  }
  return segments;
}

// ---- EXR ----

export interface ExrAttribute {
  name: string;
  type: string;
  /** Offset of the 4-byte size field; the value follows it. */
  sizeAt: number;
  size: number;
}

/** Header attributes, and where the offset table starts. */
export function exrAttributes(bytes: Uint8Array): { attributes: ExrAttribute[]; tableAt: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const attributes: ExrAttribute[] = [];
  let at = 8;
  const name = (): string => {
    let s = '';
    while (at < bytes.length && bytes[at] !== 0) s += String.fromCharCode(bytes[at++]);
    if (at >= bytes.length) throw new RangeError('EXR header runs past the end');
    at++;
    return s;
  };
  for (;;) {
    const n = name();
    if (!n) break;
    const type = name();
    if (at + 4 > bytes.length || attributes.length > 1000) throw new RangeError('EXR header runs past the end');
    const size = view.getInt32(at, true);
    if (size < 0 || at + 4 + size > bytes.length) throw new RangeError(`EXR attribute ${n} runs past the end`);
    attributes.push({ name: n, type, sizeAt: at, size });
    at += 4 + size;
  }
  return { attributes, tableAt: at };
}

// ---- failures ----

/** Folder (gitignored) where failing inputs are written, so a failure can be replayed exactly. */
export const FUZZ_FAILURE_DIR = resolve('tmp', 'fuzz-failures');

/** Writes a failing input and returns its path. */
export function saveFailingCase(name: string, bytes: Uint8Array): string {
  mkdirSync(FUZZ_FAILURE_DIR, { recursive: true });
  const path = join(FUZZ_FAILURE_DIR, name.replace(/[^\w.-]+/g, '_'));
  writeFileSync(path, bytes);
  return path;
}

// ---- seeds our writers do not make ----

/**
 * TIFF LZW (9 to 12-bit codes, most significant bit first, early change, a clear code before the table
 * fills), as libtiff writes it: for LZW seeds, since encodeTiff writes only uncompressed and Deflate.
 */
export function lzwEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let held = 0;
  let width = 9;
  const emit = (code: number): void => {
    acc = (acc << width) | code;
    held += width;
    while (held >= 8) {
      out.push((acc >>> (held - 8)) & 255);
      held -= 8;
    }
    acc &= (1 << held) - 1;
  };
  let table = new Map<number, number>();
  let next = 258;
  /** The decoder adds a table entry one code behind the encoder; both widen at the same code. */
  const grow = (): void => {
    next++;
    if (next >= 1 << width && width < 12) width++;
  };
  emit(256);
  let w = -1;
  for (const b of data) {
    if (w < 0) {
      w = b;
      continue;
    }
    const hit = table.get(w * 256 + b);
    if (hit !== undefined) {
      w = hit;
      continue;
    }
    emit(w);
    table.set(w * 256 + b, next);
    grow();
    if (next >= 4093) {
      emit(256);
      table = new Map();
      next = 258;
      width = 9;
    }
    w = b;
  }
  if (w >= 0) {
    emit(w);
    grow();
  }
  emit(257);
  if (held > 0) out.push((acc << (8 - held)) & 255);
  return Uint8Array.from(out);
}

/**
 * An EXR with its channels renamed, one for one in channel-list order (`rename` maps each old name to its new one),
 * as a layered file names them ("ViewLayer.Combined.R"): the channel list rewritten, the offset table moved by as
 * many bytes as the header grew. The new names must sort as the old ones did (OpenEXR keeps the list sorted).
 */
export function renameExrChannels(bytes: Uint8Array, rename: (name: string) => string): Uint8Array {
  const { attributes, tableAt } = exrAttributes(bytes);
  const list = attributes.find((a) => a.name === 'channels')!;
  const old = bytes.subarray(list.sizeAt + 4, list.sizeAt + 4 + list.size);
  const parts: number[] = [];
  for (let p = 0; old[p] !== 0; ) {
    let name = '';
    while (old[p] !== 0) name += String.fromCharCode(old[p++]);
    p++;
    parts.push(...[...rename(name)].map((c) => c.charCodeAt(0)), 0, ...old.subarray(p, p + 16));
    p += 16;
  }
  parts.push(0);
  const chlist = Uint8Array.from(parts);
  const delta = chlist.length - list.size;
  const out = new Uint8Array(bytes.length + delta);
  out.set(bytes.subarray(0, list.sizeAt));
  new DataView(out.buffer).setInt32(list.sizeAt, chlist.length, true);
  out.set(chlist, list.sizeAt + 4);
  out.set(bytes.subarray(list.sizeAt + 4 + list.size), list.sizeAt + 4 + chlist.length);
  // Every chunk moved by delta: so do the offsets that point at them (the table runs from the header's end to the first chunk).
  const view = new DataView(out.buffer);
  const table = tableAt + delta;
  const first = Number(view.getBigUint64(table, true));
  for (let at = table; at < first + delta; at += 8) view.setBigUint64(at, view.getBigUint64(at, true) + BigInt(delta), true);
  return out;
}
