/**
 * What a file is by its first bytes, and its pixel size from the header alone: PNG IHDR,
 * JPEG SOF, TIFF (and TIFF-based RAW) IFDs, EXR dataWindow. Reads a few small windows, never
 * the image data.
 */
import type { ByteSource } from './byte-source';

export type HeaderFormat = 'jpeg' | 'png' | 'tiff' | 'bigtiff' | 'exr' | 'raf' | 'cr3';

export interface PixelSize {
  width: number;
  height: number;
}

const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));

/** The container format by magic number; undefined when it is none Luxfuse reads. */
export function sniffFormat(head: Uint8Array): HeaderFormat | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head[0] === 0x89 && ascii(head, 1, 3) === 'PNG') return 'png';
  if (head.length >= 4 && head[0] === 0x76 && head[1] === 0x2f && head[2] === 0x31 && head[3] === 0x01) return 'exr';
  if (head.length >= 16 && ascii(head, 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp' && ascii(head, 8, 4) === 'crx ') return 'cr3';
  if (head.length >= 4) {
    const order = ascii(head, 0, 2);
    if (order === 'II' || order === 'MM') {
      const le = order === 'II';
      const magic = le ? head[2] | (head[3] << 8) : (head[2] << 8) | head[3];
      // 42: TIFF, DNG, NEF, CR2, ARW, PEF; 0x4f52/0x5352: Olympus ORF; 0x55: Panasonic RW2.
      if (magic === 42 || magic === 0x4f52 || magic === 0x5352 || magic === 0x55) return 'tiff';
      if (magic === 43) return 'bigtiff';
    }
  }
  return undefined;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function positive(width: number, height: number): PixelSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function pngSize(head: Uint8Array): PixelSize | undefined {
  if (head.length < 24 || ascii(head, 12, 4) !== 'IHDR') return undefined;
  const v = view(head);
  return positive(v.getUint32(16), v.getUint32(20));
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Walks the JPEG's marker segments by their lengths up to the first SOF (APP segments may push it past the head). */
export async function jpegSize(src: ByteSource, start = 0): Promise<PixelSize | undefined> {
  let pos = start + 2;
  for (let segments = 0; segments < 512; segments++) {
    const h = await src.read(pos, 9);
    if (h.length < 4) return undefined;
    if (h[0] !== 0xff) return undefined;
    const marker = h[1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2; // no length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data or end before any frame header
    const length = (h[2] << 8) | h[3];
    if (SOF_MARKERS.has(marker)) {
      if (h.length < 9) return undefined;
      return positive((h[7] << 8) | h[8], (h[5] << 8) | h[6]);
    }
    if (length < 2) return undefined;
    pos += 2 + length;
  }
  return undefined;
}

interface Ifd {
  subfileType?: number;
  width?: number;
  height?: number;
  subIfds: number[];
  next: number;
}

async function readIfd(src: ByteSource, offset: number, le: boolean): Promise<Ifd | undefined> {
  const countBytes = await src.read(offset, 2);
  if (countBytes.length < 2) return undefined;
  const count = view(countBytes).getUint16(0, le);
  const body = await src.read(offset + 2, count * 12 + 4);
  if (body.length < count * 12) return undefined;
  const v = view(body);
  const ifd: Ifd = { subIfds: [], next: body.length >= count * 12 + 4 ? v.getUint32(count * 12, le) : 0 };
  for (let i = 0; i < count; i++) {
    const e = i * 12;
    const tag = v.getUint16(e, le);
    const type = v.getUint16(e + 2, le);
    const n = v.getUint32(e + 4, le);
    const value = type === 3 ? v.getUint16(e + 8, le) : type === 4 || type === 13 ? v.getUint32(e + 8, le) : undefined;
    if (value === undefined) continue;
    if (tag === 254) ifd.subfileType = value;
    else if (tag === 256) ifd.width = value;
    else if (tag === 257) ifd.height = value;
    else if (tag === 330) {
      if (n === 1) ifd.subIfds.push(value);
      else if (n > 1 && n <= 16 && (type === 4 || type === 13)) {
        const list = view(await src.read(value, n * 4));
        for (let k = 0; k + 4 <= list.byteLength; k += 4) ifd.subIfds.push(list.getUint32(k, le));
      }
    }
  }
  return ifd;
}

/**
 * The main image of a TIFF: the first directory (IFD0, its SubIFDs, then the IFD chain) whose
 * NewSubfileType says full resolution; DNG and NEF keep a thumbnail in IFD0 and the raw data in a SubIFD.
 */
async function tiffSize(src: ByteSource): Promise<PixelSize | undefined> {
  const head = src.head;
  if (head.length < 8) return undefined;
  const le = head[0] === 0x49;
  const queue = [view(head).getUint32(4, le)];
  const seen = new Set<number>();
  let largest: PixelSize | undefined;
  while (queue.length && seen.size < 32) {
    const offset = queue.shift()!;
    if (offset < 8 || offset >= src.size || seen.has(offset)) continue;
    seen.add(offset);
    const ifd = await readIfd(src, offset, le);
    if (!ifd) continue;
    const size = positive(ifd.width ?? 0, ifd.height ?? 0);
    if (size && ((ifd.subfileType ?? 0) & 1) === 0) return size;
    if (size && (!largest || size.width * size.height > largest.width * largest.height)) largest = size;
    queue.push(...ifd.subIfds, ifd.next);
  }
  return largest;
}

/** OpenEXR: the first header's dataWindow (box2i), attributes read one by one. */
async function exrSize(src: ByteSource): Promise<PixelSize | undefined> {
  let pos = 8;
  for (let attributes = 0; attributes < 256; attributes++) {
    const chunk = await src.read(pos, 256 + 4);
    const name = cString(chunk, 0);
    if (name === undefined || name.length === 0) return undefined; // end of header
    const type = cString(chunk, name.length + 1);
    if (type === undefined) return undefined;
    const sizeAt = name.length + type.length + 2;
    if (chunk.length < sizeAt + 4) return undefined;
    const size = view(chunk).getInt32(sizeAt, true);
    const valueAt = pos + sizeAt + 4;
    if (name === 'dataWindow' && type === 'box2i' && size === 16) {
      const box = view(await src.read(valueAt, 16));
      if (box.byteLength < 16) return undefined;
      const [xMin, yMin, xMax, yMax] = [0, 4, 8, 12].map((o) => box.getInt32(o, true));
      return positive(xMax - xMin + 1, yMax - yMin + 1);
    }
    if (size < 0) return undefined;
    pos = valueAt + size;
  }
  return undefined;
}

function cString(bytes: Uint8Array, at: number): string | undefined {
  const end = bytes.indexOf(0, at);
  if (end < 0 || end - at > 255) return undefined;
  return ascii(bytes, at, end - at);
}

/** Pixel size from the header; undefined when the format keeps it elsewhere (RAF, CR3) or the header is damaged. */
export async function headerSize(src: ByteSource, format: HeaderFormat): Promise<PixelSize | undefined> {
  switch (format) {
    case 'png':
      return pngSize(src.head);
    case 'jpeg':
      return jpegSize(src);
    case 'tiff':
      return tiffSize(src);
    case 'exr':
      return exrSize(src);
    default:
      return undefined;
  }
}
