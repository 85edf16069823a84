/** Parses the header of a single-part OpenEXR file, scanline or tiled: the attributes the reader needs, bounds-checked. */
import { DecodeError, UnsupportedFormatError } from '../errors';
import { EXR_FLAG_DEEP, EXR_FLAG_LONG_NAMES, EXR_FLAG_MULTIPART, EXR_FLAG_TILED, EXR_MAGIC, exrLinesPerBlock } from './exr-format';

export interface ExrChannel {
  name: string;
  /** 0 uint, 1 half, 2 float. */
  pixelType: number;
  xSampling: number;
  ySampling: number;
  /** The channel is perceptually linear (B44 stores such halves through a log table). */
  pLinear: boolean;
}

export interface ExrHeader {
  channels: ExrChannel[];
  compression: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  /** All attributes by name, raw value bytes, for anything else a caller wants to look at. */
  attributes: Map<string, { type: string; value: Uint8Array }>;
  /** Byte offset just past the header: where the offset table starts. */
  end: number;
  /** A tiled file's tile size and level mode (0 one level, 1 mipmap, 2 ripmap); undefined for scanlines. */
  tiles?: { xSize: number; ySize: number; levelMode: number };
  /** A multi-part file's part: its name, and how many chunks its offset table lists. */
  part?: { name: string; chunkCount: number };
}

export interface ExrFile {
  /** One header, or a multi-part file's headers in order. */
  parts: ExrHeader[];
  multipart: boolean;
  /** Where the first offset table starts (a multi-part file's tables follow one another, part by part). */
  tableAt: number;
}

/** Reads the header (a multi-part file's first part); throws DecodeError for malformed bytes and UnsupportedFormatError for variants we do not read. */
export function parseExrHeader(bytes: Uint8Array, file?: string): ExrHeader {
  const parsed = parseExrFile(bytes, file);
  return parsed.multipart ? parsed.parts[0] : { ...parsed.parts[0], end: parsed.tableAt };
}

/** Every header of the file: one, or a multi-part file's (each with its name and chunk count). */
export function parseExrFile(bytes: Uint8Array, file?: string): ExrFile {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt EXR: ${why}`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== EXR_MAGIC) throw new DecodeError('not an OpenEXR file', file);
  const version = view.getUint32(4, true);
  if ((version & 0xff) !== 2) throw new UnsupportedFormatError(`OpenEXR version ${version & 0xff} is not supported`, file);
  const multipart = (version & EXR_FLAG_MULTIPART) !== 0;
  if (version & EXR_FLAG_DEEP) throw new UnsupportedFormatError('deep OpenEXR files are not supported', file);
  const maxName = version & EXR_FLAG_LONG_NAMES ? 255 : 31;
  if (!multipart) {
    const header = readHeader(bytes, 8, file, maxName, (version & EXR_FLAG_TILED) !== 0, false);
    return { parts: [header], multipart, tableAt: header.end };
  }
  // Headers one after another, each ended by a null byte, the list by one more.
  const parts: ExrHeader[] = [];
  let at = 8;
  while (at < bytes.length && bytes[at] !== 0) {
    if (parts.length >= 1024) throw corrupt('more than 1024 parts');
    const header = readHeader(bytes, at, file, maxName, false, true);
    parts.push(header);
    at = header.end;
  }
  if (at >= bytes.length) throw corrupt('header runs past the end of the file');
  if (parts.length === 0) throw corrupt('no parts');
  return { parts, multipart, tableAt: at + 1 };
}

function readHeader(bytes: Uint8Array, start: number, file: string | undefined, maxName: number, tiledFlag: boolean, inMultipart: boolean): ExrHeader {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt EXR: ${why}`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  const readName = (): string => {
    let s = '';
    for (;;) {
      if (at >= bytes.length) throw corrupt('header runs past the end of the file');
      const c = bytes[at++];
      if (c === 0) return s;
      if (s.length >= maxName) throw corrupt('attribute name too long');
      s += String.fromCharCode(c);
    }
  };
  const attributes = new Map<string, { type: string; value: Uint8Array }>();
  for (;;) {
    const name = readName();
    if (name === '') break;
    const type = readName();
    if (at + 4 > bytes.length) throw corrupt('header runs past the end of the file');
    const size = view.getInt32(at, true);
    at += 4;
    if (size < 0 || at + size > bytes.length) throw corrupt(`attribute ${name} runs past the end of the file`);
    attributes.set(name, { type, value: bytes.subarray(at, at + size) });
    at += size;
  }

  const need = (name: string, type: string, minSize: number): DataView => {
    const a = attributes.get(name);
    if (!a) throw corrupt(`missing required attribute ${name}`);
    if (a.type !== type || a.value.length < minSize) throw corrupt(`attribute ${name} has type ${a.type}, size ${a.value.length}`);
    return new DataView(a.value.buffer, a.value.byteOffset, a.value.byteLength);
  };
  const compression = need('compression', 'compression', 1).getUint8(0);
  const dw = need('dataWindow', 'box2i', 16);
  const [xMin, yMin, xMax, yMax] = [0, 4, 8, 12].map((o) => dw.getInt32(o, true));
  if (xMax < xMin || yMax < yMin) throw corrupt(`empty data window (${xMin},${yMin})-(${xMax},${yMax})`);

  const cl = need('channels', 'chlist', 1);
  const channels: ExrChannel[] = [];
  let p = 0;
  for (;;) {
    if (p >= cl.byteLength) throw corrupt('channel list is not terminated');
    if (cl.getUint8(p) === 0) break;
    let name = '';
    while (p < cl.byteLength && cl.getUint8(p) !== 0) name += String.fromCharCode(cl.getUint8(p++));
    p++;
    if (p + 16 > cl.byteLength) throw corrupt('channel list is cut short');
    channels.push({
      name,
      pixelType: cl.getInt32(p, true),
      pLinear: cl.getUint8(p + 4) !== 0,
      xSampling: cl.getInt32(p + 8, true),
      ySampling: cl.getInt32(p + 12, true),
    });
    p += 16;
  }
  if (channels.length === 0) throw corrupt('no channels');
  for (const c of channels) {
    if (c.pixelType < 0 || c.pixelType > 2) throw corrupt(`channel ${c.name} has unknown pixel type ${c.pixelType}`);
    if (c.xSampling !== 1 || c.ySampling !== 1) {
      throw new UnsupportedFormatError(`subsampled EXR channels (${c.name}) are not supported`, file);
    }
  }
  const typeOf = attributes.get('type');
  const partType = typeOf ? String.fromCharCode(...typeOf.value.subarray(0, Math.max(0, typeOf.value.indexOf(0) < 0 ? typeOf.value.length : typeOf.value.indexOf(0)))) : undefined;
  if (partType?.startsWith('deep')) throw new UnsupportedFormatError('deep OpenEXR files are not supported', file);
  const tiled = tiledFlag || partType === 'tiledimage';
  let part: ExrHeader['part'];
  if (inMultipart) {
    const name = attributes.get('name');
    part = {
      name: name ? String.fromCharCode(...name.value.subarray(0, name.value.indexOf(0) < 0 ? name.value.length : name.value.indexOf(0))) : '',
      chunkCount: need('chunkCount', 'int', 4).getInt32(0, true),
    };
    if (!(part.chunkCount >= 0)) throw corrupt(`part ${part.name} has ${part.chunkCount} chunks`);
  }
  let tiles: ExrHeader['tiles'];
  if (tiled) {
    const t = need('tiles', 'tiledesc', 9);
    tiles = { xSize: t.getUint32(0, true), ySize: t.getUint32(4, true), levelMode: t.getUint8(8) & 0x0f };
    if (!(tiles.xSize > 0 && tiles.ySize > 0 && tiles.xSize <= 1 << 16 && tiles.ySize <= 1 << 16)) throw corrupt(`tile size ${tiles.xSize}x${tiles.ySize}`);
    if (tiles.levelMode > 2) throw corrupt(`tile level mode ${tiles.levelMode}`);
  }
  return { channels, compression, xMin, yMin, xMax, yMax, attributes, end: at, ...(tiles ? { tiles } : {}), ...(part ? { part } : {}) };
}

/**
 * How a part's full-resolution image is cut into chunks, as the reader and import's check both walk them: blocks of
 * scanlines (chunkH lines of the whole width), or tiles (a mipmap's or ripmap's other levels follow the full-resolution
 * level's tiles in the offset table). headBytes: a chunk's head before its data (without a multi-part file's part number).
 */
export function exrChunkGeometry(header: ExrHeader): { width: number; height: number; chunkW: number; chunkH: number; tilesX: number; chunkCount: number; headBytes: number } {
  const width = header.xMax - header.xMin + 1;
  const height = header.yMax - header.yMin + 1;
  const { tiles } = header;
  const chunkW = tiles ? Math.min(tiles.xSize, width) : width;
  const chunkH = tiles ? Math.min(tiles.ySize, height) : exrLinesPerBlock(header.compression);
  const tilesX = Math.ceil(width / chunkW);
  return { width, height, chunkW, chunkH, tilesX, chunkCount: tilesX * Math.ceil(height / chunkH), headBytes: tiles ? 20 : 8 };
}
