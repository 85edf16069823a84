/**
 * Whether a file is whole enough to merge, checked at import from its structure alone: a JPEG reaches its
 * end-of-image marker, a PNG its IEND chunk, a TIFF's strips (tiff-integrity.ts) and an EXR's chunks lie inside the
 * file, a file named as camera RAW holds camera RAW. Reads the head already in memory, a window at the end and a TIFF's directories,
 * and decodes no pixel of a whole file (a JPEG or PNG without its end marker near the end, as behind a phone's
 * appended video, is read through once; a JPEG without one at all is decoded small, once). Each finding is one the
 * merge's decoder refuses too, worded as it words it where it can.
 */
import { extensionOf, fileKind } from '../../src-shared/bracket/file-kind';
import { EXR_READ_COMPRESSIONS, exrOffset } from '../../src-shared/codecs/exr-format';
import { exrChunkGeometry, parseExrFile, type ExrFile } from '../../src-shared/codecs/exr-header';
import { LuxfuseError } from '../../src-shared/errors';
import type { ByteSource } from './byte-source';
import type { HeaderFormat } from './image-header';
import { decodeJpegNativeReduced, nativeJpegAvailable } from './native-jpeg';
import { tiffDamage } from './tiff-integrity';

/** How far from the end a JPEG's end-of-image marker or a PNG's IEND is looked for before reading the whole file. */
const TAIL_BYTES = 64 * 1024;
/** Block size of the read through a file whose end marker is not in its tail. */
const SCAN_BLOCK = 1 << 20;

/** The side a JPEG without its end-of-image marker is decoded at to see whether libjpeg-turbo reads it to the end. */
const CHECK_SIDE = 64;

/** A JPEG's frame and scan markers' lengths are walked from SOI; these end the walk. */
const SOS = 0xda;
const EOI = 0xd9;

/**
 * Where to look for a JPEG's end-of-image marker from: where its first scan's data begins, walking the marker
 * segments from SOI by their lengths; where the walk runs past the end of the file (cut in its headers, or a length
 * jpeg-js does not go by: it parses SOF and SOS by their contents), the start of the last segment inside it.
 * Undefined when the segments are not what the walk expects (the decoder has its own recovery).
 */
async function endSearchStart(src: ByteSource): Promise<number | undefined> {
  let pos = 2;
  for (let segments = 0; segments < 4096; segments++) {
    const h = await src.read(pos, 4);
    if (h.length === 0) return pos;
    if (h[0] !== 0xff) return undefined;
    const marker = h[1];
    if (marker === 0xff) pos++; // fill byte
    else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) pos += 2; // no length
    else if (marker === EOI) return undefined;
    else {
      const length = h.length < 4 ? 2 : (h[2] << 8) | h[3];
      if (length < 2) return undefined;
      if (pos + 2 + length > src.size) return pos;
      pos += 2 + length;
      if (marker === SOS) return pos;
    }
  }
  return undefined;
}

/** Whether FF D9 occurs in `bytes`, looked for from the end (where a camera's file has it). */
function hasEoiBytes(bytes: Uint8Array): boolean {
  for (let i = bytes.lastIndexOf(0xff, bytes.length - 2); i >= 0; i = i > 0 ? bytes.lastIndexOf(0xff, i - 1) : -1) {
    if (bytes[i + 1] === EOI) return true;
  }
  return false;
}

/**
 * Whether FF D9 occurs in [from, to): the last TAIL_BYTES first (a camera's file ends with it, or with a trailer
 * after it that ends with another, as an MPF preview does), then the rest in blocks (a long trailer: a phone's
 * motion-photo video).
 */
async function hasEoi(src: ByteSource, from: number): Promise<boolean> {
  const tailFrom = Math.max(from, src.size - TAIL_BYTES);
  if (hasEoiBytes(await src.read(tailFrom, src.size - tailFrom))) return true;
  for (let at = from; at < tailFrom; at += SCAN_BLOCK) {
    // One byte more than the block, so a marker across two blocks is seen.
    if (hasEoiBytes(await src.read(at, Math.min(SCAN_BLOCK + 1, tailFrom + 1 - at)))) return true;
  }
  return false;
}

/**
 * A JPEG the merge's decoders refuse: one with no end-of-image marker after its headers that libjpeg-turbo does not
 * read to its end either (sharp, told to fail on a warning, refuses a file cut in its image data; jpeg-js refuses any
 * file without the marker). That second opinion is a small decode, made only of a file the
 * marker is missing from: one cut after its last image data, or written without the marker, is whole and merges.
 * Bytes after the marker, which cameras and phones append, pass.
 */
async function jpegDamage(src: ByteSource, path: string): Promise<string | undefined> {
  const from = await endSearchStart(src);
  if (from === undefined || (await hasEoi(src, from))) return undefined;
  if (await decodeJpegNativeReduced(await src.read(0, src.size), path, CHECK_SIDE)) return undefined;
  const missing = (await nativeJpegAvailable()) ? ' (part of the picture is missing)' : '';
  return `truncated or corrupt JPEG: the file ends before its end-of-image marker${missing}`;
}

const IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const PNG_DEPTHS = new Set([1, 2, 4, 8, 16]);
const PNG_COLOUR_TYPES = new Set([0, 2, 3, 4, 6]);

/**
 * The chunk walk of png.ts's checkPngStructure, through the file: the first chunk that runs past its end, or the
 * end reached before IEND; undefined when IEND is reached.
 */
async function pngChunkDamage(src: ByteSource): Promise<string | undefined> {
  for (let at = 8; ; ) {
    if (at + 12 > src.size) return 'the file ends before its IEND chunk';
    const h = await src.read(at, 8);
    const length = new DataView(h.buffer, h.byteOffset, 8).getUint32(0);
    const type = String.fromCharCode(...h.subarray(4, 8));
    if (at + 12 + length > src.size) return `the ${type.replace(/[^\x20-\x7e]/g, '?')} chunk runs past the end of the file`;
    if (type === 'IEND') return undefined;
    at += 12 + length;
  }
}

/**
 * A PNG its decoder refuses, in the order it looks: its chunks (cut before IEND, a chunk past the end; the file
 * ending with IEND is enough, otherwise they are walked, and data after IEND passes as it does there), then IHDR
 * (more pixels than the whole file could inflate to; a bit depth, colour type or compression PNG does not have).
 */
async function pngDamage(src: ByteSource): Promise<string | undefined> {
  const corrupt = (why: string): string => `truncated or corrupt PNG: ${why}`;
  const tail = await src.read(src.size - IEND.length, IEND.length);
  const ends = tail.length === IEND.length && IEND.every((b, i) => tail[i] === b);
  const chunks = ends ? undefined : await pngChunkDamage(src);
  if (chunks) return corrupt(chunks);
  const head = src.head;
  if (head.length < 29) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const [width, height, depth, colourType, compression] = [view.getUint32(16), view.getUint32(20), head[24], head[25], head[26]];
  // checkPngStructure's bound, with the whole file in place of its image data: Deflate expands at most 1032:1.
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colourType] ?? 4;
  const raw = height * (Math.ceil((width * Math.max(1, depth) * channels) / 8) + 1);
  if (raw > src.size * 1032 + 1024) return corrupt(`the header says ${width} x ${height} pixels, more than its ${src.size} bytes can hold`);
  if (!PNG_DEPTHS.has(depth)) return corrupt(`its header (IHDR) gives bit depth ${depth}, which PNG does not have`);
  if (!PNG_COLOUR_TYPES.has(colourType)) return corrupt(`its header (IHDR) gives colour type ${colourType}, which PNG does not have`);
  if (compression !== 0) return corrupt(`its header (IHDR) gives compression method ${compression}, which PNG does not have`);
  return undefined;
}

/** Offset tables longer than this (a data window of millions of rows) are left to the decoder. */
const MAX_EXR_BLOCKS = 1 << 17;

/**
 * An EXR whose offset table or last chunk lies past the end of the file (a copy cut short): the header, the offset
 * table and the 8-byte head of the chunk stored last are read, nothing else. Headers the decoder would refuse for
 * other reasons (unsupported variants, damage inside the header) are left to it and to its words.
 */
async function exrDamage(src: ByteSource): Promise<string | undefined> {
  const corrupt = (why: string): string => `truncated or corrupt EXR: ${why}`;
  let parsed: ExrFile;
  try {
    parsed = parseExrFile(src.head);
  } catch (error) {
    if (error instanceof LuxfuseError) return undefined;
    throw error;
  }
  // A multi-part file's tables and chunks are left to the decoder (it finds its part's; a cut one fails there).
  if (parsed.multipart || !EXR_READ_COMPRESSIONS.includes(parsed.parts[0].compression)) return undefined;
  const { tiles } = parsed.parts[0];
  // Scanline blocks, or the full-resolution level's tiles (listed first), as decodeExr reads them.
  const { chunkCount: blocks, headBytes } = exrChunkGeometry(parsed.parts[0]);
  if (!(blocks > 0) || blocks > MAX_EXR_BLOCKS) return undefined;
  const tableEnd = parsed.tableAt + blocks * 8;
  if (tableEnd > src.size) return corrupt('offset table runs past the end of the file');
  const table = await src.read(parsed.tableAt, blocks * 8);
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  let last = -1;
  for (let i = 0; i < blocks; i++) {
    const offset = exrOffset(view, i * 8);
    if (offset < tableEnd || offset + headBytes > src.size) return corrupt(`chunk ${i} lies outside the file`);
    last = Math.max(last, offset);
  }
  const head = await src.read(last, headBytes);
  const chunk = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const size = chunk.getInt32(headBytes - 4, true);
  const what = tiles ? `tile ${chunk.getInt32(0, true)},${chunk.getInt32(4, true)}` : `scanline ${chunk.getInt32(0, true)}`;
  if (size <= 0 || last + headBytes + size > src.size) return corrupt(`chunk for ${what} runs past the end of the file`);
  return undefined;
}

const NAMES: Partial<Record<HeaderFormat, string>> = { jpeg: 'JPEG', png: 'PNG', exr: 'OpenEXR' };
const EXTENSIONS: Partial<Record<HeaderFormat, string>> = { jpeg: 'jpg', png: 'png', exr: 'exr' };

/**
 * A file named as camera RAW that holds a JPEG, PNG or OpenEXR image (`format`: what its first bytes say), in words;
 * undefined for any other file. A merge sends such a file to LibRaw, which reads none of them.
 */
export function notTheRawItsNameSays(format: HeaderFormat | undefined, path: string): string | undefined {
  const name = format && NAMES[format];
  if (!name || fileKind(path) !== 'raw') return undefined;
  const ext = extensionOf(path);
  return `it holds ${name === 'OpenEXR' ? 'an' : 'a'} ${name} image, not the camera RAW its name (.${ext}) says (LibRaw, which reads files named .${ext}, reads no ${name}; named .${EXTENSIONS[format]} it would merge)`;
}

/**
 * Why a merge would refuse this file, found from its structure (`format`: what its first bytes say it is), or
 * undefined when nothing was found. Rejects only when the file cannot be read.
 */
export async function findDamage(src: ByteSource, format: HeaderFormat, path: string): Promise<string | undefined> {
  const namedRaw = fileKind(path) === 'raw';
  const misnamed = notTheRawItsNameSays(format, path);
  if (misnamed) return misnamed;
  switch (format) {
    case 'jpeg':
      return jpegDamage(src, path);
    case 'png':
      return pngDamage(src);
    case 'tiff':
      return tiffDamage(src, namedRaw, path);
    case 'exr':
      return exrDamage(src);
    case 'bigtiff':
      return namedRaw ? undefined : 'it is a BigTIFF (64-bit offsets), which Luxfuse does not read (saved as a regular TIFF it would merge)';
    default:
      return undefined;
  }
}
