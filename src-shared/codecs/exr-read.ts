/** OpenEXR reader: scanline or tiled files (the full-resolution level), one part or the first image part of several, NONE/RLE/ZIPS/ZIP/PIZ/PXR24/B44/B44A, half/float/uint channels, to a LinearImage. */
import { DecodeError, UnsupportedFormatError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { EXR_COMPRESSION, EXR_PIXEL_BYTES, EXR_PIXEL_FLOAT, EXR_PIXEL_HALF, EXR_READ_COMPRESSIONS, exrCompressionName, exrOffset } from './exr-format';
import { exrChunkGeometry, parseExrFile, type ExrChannel } from './exr-header';
import { pizDecompressBlock } from './exr-piz';
import { b44DecompressBlock } from './exr-b44';
import { pxr24DecompressBlock } from './exr-pxr24';
import { rleDecompressBlock, zipDecompressBlock } from './exr-zip';
import { halfToFloatTable } from './half';

/**
 * Which file channel feeds which output sample: RGB(A) when the file has R, G and B, else Y. A layered file without
 * bare R, G, B (Blender's multilayer "ViewLayer.Combined.R", Nuke's "beauty.R") gives the first layer that has all
 * three, in channel-list order, and says which.
 */
function mapChannels(channels: ExrChannel[], file?: string): { outChannels: 1 | 3 | 4; dst: number[]; layer?: string } {
  const names = channels.map((c) => c.name);
  let prefix = '';
  if (!(names.includes('R') && names.includes('G') && names.includes('B')) && !names.includes('Y')) {
    const layers = [...new Set(names.filter((n) => n.endsWith('.R')).map((n) => n.slice(0, -1)))];
    prefix = layers.find((l) => names.includes(`${l}G`) && names.includes(`${l}B`)) ?? '';
  }
  const has = (n: string): boolean => names.includes(prefix + n);
  const wanted = has('R') && has('G') && has('B')
    ? (has('A') ? ['R', 'G', 'B', 'A'] : ['R', 'G', 'B']).map((n) => prefix + n)
    : names.includes('Y') ? ['Y'] : null;
  if (!wanted) throw new UnsupportedFormatError(`EXR channels ${names.join(',')} hold no RGB or Y image`, file);
  if (wanted[0] === 'Y' && (names.includes('RY') || names.includes('BY'))) {
    throw new UnsupportedFormatError('luminance/chroma (RY, BY) EXR files are not supported', file);
  }
  return { outChannels: wanted.length as 1 | 3 | 4, dst: names.map((n) => wanted.indexOf(n)), ...(prefix ? { layer: prefix.slice(0, -1) } : {}) };
}

/** Decodes OpenEXR bytes. Throws DecodeError on truncated/corrupt data, UnsupportedFormatError on variants we do not read. */
export function decodeExr(bytes: Uint8Array, fileName?: string): LinearImage {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt EXR: ${why}`, fileName);
  const parsed = parseExrFile(bytes, fileName);
  // A multi-part file (a renderer's beauty and passes, stereo views): the first part holding an image we read.
  let choice = 0;
  if (parsed.multipart) {
    choice = parsed.parts.findIndex((p) => {
      try {
        mapChannels(p.channels);
        return true;
      } catch {
        return false;
      }
    });
    if (choice < 0) throw new UnsupportedFormatError(`none of the ${parsed.parts.length} parts of this EXR holds an RGB or Y image`, fileName);
  }
  const header = parsed.parts[choice];
  const { channels, compression, yMin, tiles } = header;
  // Where this part's offset table starts; a multi-part file's chunks begin with their part's number.
  const tableAt = parsed.tableAt + parsed.parts.slice(0, choice).reduce((n, p) => n + (p.part?.chunkCount ?? 0) * 8, 0);
  const partPrefix = parsed.multipart ? 4 : 0;
  const { none, rle, zips, zip, piz, pxr24, b44, b44a } = EXR_COMPRESSION;
  if (!EXR_READ_COMPRESSIONS.includes(compression)) {
    throw new UnsupportedFormatError(`EXR compression ${exrCompressionName(compression)} is not supported (NONE, RLE, ZIPS, ZIP, PIZ, PXR24, B44, B44A are)`, fileName);
  }
  const { width, height, chunkW, chunkH, tilesX, chunkCount, headBytes: chunkHead } = exrChunkGeometry(header);
  const { outChannels, dst, layer } = mapChannels(channels, fileName);
  const warnings = [
    ...(parsed.multipart && parsed.parts.length > 1 ? [`${fileName ?? 'The EXR'} holds ${parsed.parts.length} parts; part ${choice + 1} ("${header.part?.name}") is read`] : []),
    ...(layer ? [`${fileName ?? 'The EXR'} has no plain R, G, B channels; its layer "${layer}" is read`] : []),
  ];
  if (width * height * outChannels > 0x7fffffff) throw new UnsupportedFormatError(`EXR of ${width}x${height} is too large`, fileName);

  const pixelBytesAll = channels.reduce((n, c) => n + EXR_PIXEL_BYTES[c.pixelType], 0);
  const lineBytes = width * pixelBytesAll;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (tableAt + chunkCount * 8 > bytes.length) throw corrupt('offset table runs past the end of the file');
  // Chunks are raw or zlib/PIZ/RLE-coded, which expand at most about 1032:1 (RLE 128:2): refuse a data window the
  // file cannot hold before allocating it.
  const pixelBytes = bytes.length - tableAt - chunkCount * 8;
  if (height * lineBytes > pixelBytes * (compression === none ? 1 : 1100) + 4096) {
    throw corrupt(`the data window of ${width} x ${height} pixels needs more than the ${pixelBytes} bytes of pixel data can hold`);
  }

  const out = new Float32Array(width * height * outChannels);
  const done = new Uint8Array(chunkCount);
  const chunkBytes = chunkW * chunkH * pixelBytesAll;
  // Chunk bytes land in a fresh (aligned) buffer so typed views can read samples directly.
  const raw = new Uint8Array(new ArrayBuffer(Math.ceil(chunkBytes / 4) * 4), 0, chunkBytes);
  const scratch = compression === zip || compression === zips || compression === rle || compression === pxr24 ? new Uint8Array(chunkBytes + 1) : raw;
  const channelBytes = channels.map((c) => EXR_PIXEL_BYTES[c.pixelType]);
  const pixelTypes = channels.map((c) => c.pixelType);
  const pLinear = channels.map((c) => c.pLinear);
  const rawView = new DataView(raw.buffer);
  const halfTable = halfToFloatTable();
  const headBytes = partPrefix + chunkHead;

  for (let i = 0; i < chunkCount; i++) {
    const entry = exrOffset(view, tableAt + i * 8);
    if (entry < tableAt + chunkCount * 8 || entry + headBytes > bytes.length) throw corrupt(`chunk ${i} lies outside the file`);
    if (partPrefix && view.getInt32(entry, true) !== choice) throw corrupt(`chunk ${i} of part ${choice + 1} says it belongs to part ${view.getInt32(entry, true) + 1}`);
    const offset = entry + partPrefix;
    let index: number;
    let x0 = 0;
    let y0: number;
    let what: string;
    if (tiles) {
      const [tx, ty, lx, ly] = [0, 4, 8, 12].map((o) => view.getInt32(offset + o, true));
      what = `tile ${tx},${ty}`;
      if (lx !== 0 || ly !== 0) throw corrupt(`chunk ${i} is ${what} of level ${lx},${ly}, where the full-resolution level's tiles come first`);
      if (tx < 0 || ty < 0 || tx >= tilesX || ty * chunkH >= height) throw corrupt(`chunk ${i} is ${what}, outside the image`);
      index = ty * tilesX + tx;
      x0 = tx * chunkW;
      y0 = ty * chunkH;
    } else {
      const y = view.getInt32(offset, true);
      what = `scanline ${y}`;
      index = (y - yMin) / chunkH;
      if (!Number.isInteger(index) || index < 0 || index >= chunkCount) throw corrupt(`chunk ${i} has ${what}`);
      y0 = index * chunkH;
    }
    if (done[index]) throw corrupt(`${what} appears twice`);
    const size = view.getInt32(entry + headBytes - 4, true);
    const w = Math.min(chunkW, width - x0);
    const lines = Math.min(chunkH, height - y0);
    const expected = lines * w * pixelBytesAll;
    if (size <= 0 || entry + headBytes + size > bytes.length) throw corrupt(`chunk for ${what} runs past the end of the file`);
    const packed = bytes.subarray(entry + headBytes, entry + headBytes + size);
    // A chunk stored at full size is raw: OpenEXR writes raw bytes whenever compression does not help.
    if (size === expected) raw.set(packed);
    else if (size > expected || compression === none) throw corrupt(`chunk for ${what} has ${size} bytes, expected ${expected}`);
    else {
      try {
        if (compression === piz) pizDecompressBlock(packed, raw, w, lines, channelBytes);
        else if (compression === pxr24) pxr24DecompressBlock(packed, raw, w, lines, pixelTypes, scratch);
        else if (compression === b44 || compression === b44a) b44DecompressBlock(packed, raw, w, lines, pixelTypes, pLinear);
        else if (compression === rle) rleDecompressBlock(packed, expected, raw, scratch);
        else zipDecompressBlock(packed, expected, raw, scratch);
      } catch (e) {
        throw corrupt(`chunk for ${what}: ${(e as Error).message}`);
      }
    }

    const raw16 = new Uint16Array(raw.buffer, 0, expected >> 1);
    const rawF32 = new Float32Array(raw.buffer, 0, expected >> 2);
    const rawU32 = new Uint32Array(raw.buffer, 0, expected >> 2);
    let byteAt = 0;
    for (let l = 0; l < lines; l++) {
      const rowStart = ((y0 + l) * width + x0) * outChannels;
      for (let c = 0; c < channels.length; c++) {
        const type = channels[c].pixelType;
        const d = dst[c];
        if (d >= 0) {
          let o = rowStart + d;
          if (type === EXR_PIXEL_HALF) {
            for (let x = 0, s = byteAt >> 1; x < w; x++, o += outChannels) out[o] = halfTable[raw16[s + x]];
          } else if ((byteAt & 3) !== 0) {
            // A 4-byte channel after a half channel of odd width is misaligned: read it the slow way.
            for (let x = 0, s = byteAt; x < w; x++, o += outChannels, s += 4) {
              out[o] = type === EXR_PIXEL_FLOAT ? rawView.getFloat32(s, true) : rawView.getUint32(s, true);
            }
          } else if (type === EXR_PIXEL_FLOAT) {
            for (let x = 0, s = byteAt >> 2; x < w; x++, o += outChannels) out[o] = rawF32[s + x];
          } else {
            for (let x = 0, s = byteAt >> 2; x < w; x++, o += outChannels) out[o] = rawU32[s + x];
          }
        }
        byteAt += w * EXR_PIXEL_BYTES[type];
      }
    }
    done[index] = 1;
  }
  return {
    width,
    height,
    channels: outChannels,
    data: out,
    ev: null,
    meta: {
      sourceName: fileName,
      sourceTransfer: 'linear',
      sourceBits: channels.every((c, i) => dst[i] < 0 || c.pixelType === EXR_PIXEL_HALF) ? 16 : 32,
      clipLevel: Infinity,
      ...(warnings.length ? { decodeWarnings: warnings } : {}),
    },
  };
}

