/** OpenEXR reader: single-part scanline files, NONE/ZIPS/ZIP/PIZ, half/float/uint channels, to a LinearImage. */
import { DecodeError, UnsupportedFormatError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { EXR_COMPRESSION, EXR_PIXEL_BYTES, EXR_PIXEL_FLOAT, EXR_PIXEL_HALF, exrCompressionName, exrLinesPerBlock } from './exr-format';
import { parseExrHeader, type ExrChannel } from './exr-header';
import { pizDecompressBlock } from './exr-piz';
import { zipDecompressBlock } from './exr-zip';
import { halfToFloatTable } from './half';

/** Which file channel feeds which output sample: RGB(A) when the file has R, G and B, else Y. */
function mapChannels(channels: ExrChannel[], file?: string): { outChannels: 1 | 3 | 4; dst: number[] } {
  const names = channels.map((c) => c.name);
  const wanted = names.includes('R') && names.includes('G') && names.includes('B')
    ? names.includes('A') ? ['R', 'G', 'B', 'A'] : ['R', 'G', 'B']
    : names.includes('Y') ? ['Y'] : null;
  if (!wanted) throw new UnsupportedFormatError(`EXR channels ${names.join(',')} hold no RGB or Y image`, file);
  if (wanted[0] === 'Y' && (names.includes('RY') || names.includes('BY'))) {
    throw new UnsupportedFormatError('luminance/chroma (RY, BY) EXR files are not supported', file);
  }
  return { outChannels: wanted.length as 1 | 3 | 4, dst: names.map((n) => wanted.indexOf(n)) };
}

/** Decodes OpenEXR bytes. Throws DecodeError on truncated/corrupt data, UnsupportedFormatError on variants we do not read. */
export function decodeExr(bytes: Uint8Array, fileName?: string): LinearImage {
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt EXR: ${why}`, fileName);
  const header = parseExrHeader(bytes, fileName);
  const { channels, compression, xMin, yMin, xMax, yMax } = header;
  const { none, zips, zip, piz } = EXR_COMPRESSION;
  if (compression !== none && compression !== zips && compression !== zip && compression !== piz) {
    throw new UnsupportedFormatError(`EXR compression ${exrCompressionName(compression)} is not supported (NONE, ZIPS, ZIP, PIZ are)`, fileName);
  }
  const width = xMax - xMin + 1;
  const height = yMax - yMin + 1;
  const { outChannels, dst } = mapChannels(channels, fileName);
  if (width * height * outChannels > 0x7fffffff) throw new UnsupportedFormatError(`EXR of ${width}x${height} is too large`, fileName);

  const linesPerBlock = exrLinesPerBlock(compression);
  const blockCount = Math.ceil(height / linesPerBlock);
  const lineBytes = channels.reduce((n, c) => n + width * EXR_PIXEL_BYTES[c.pixelType], 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (header.end + blockCount * 8 > bytes.length) throw corrupt('offset table runs past the end of the file');
  // Blocks are raw or zlib/PIZ-coded, which expand at most about 1032:1: refuse a data window the file cannot hold
  // before allocating it.
  const pixelBytes = bytes.length - header.end - blockCount * 8;
  if (height * lineBytes > pixelBytes * (compression === none ? 1 : 1100) + 4096) {
    throw corrupt(`the data window of ${width} x ${height} pixels needs more than the ${pixelBytes} bytes of pixel data can hold`);
  }

  const out = new Float32Array(width * height * outChannels);
  const done = new Uint8Array(blockCount);
  // Block bytes land in a fresh (aligned) buffer so typed views can read samples directly.
  const raw = new Uint8Array(new ArrayBuffer(Math.ceil((linesPerBlock * lineBytes) / 4) * 4), 0, linesPerBlock * lineBytes);
  const scratch = compression === none || compression === piz ? raw : new Uint8Array(raw.length + 1);
  const channelBytes = channels.map((c) => EXR_PIXEL_BYTES[c.pixelType]);
  const rawView = new DataView(raw.buffer);
  const halfTable = halfToFloatTable();

  for (let i = 0; i < blockCount; i++) {
    const offset = view.getUint32(header.end + i * 8, true) + view.getUint32(header.end + i * 8 + 4, true) * 0x100000000;
    if (offset < header.end + blockCount * 8 || offset + 8 > bytes.length) throw corrupt(`chunk ${i} lies outside the file`);
    const y = view.getInt32(offset, true);
    const size = view.getInt32(offset + 4, true);
    const block = (y - yMin) / linesPerBlock;
    if (!Number.isInteger(block) || block < 0 || block >= blockCount) throw corrupt(`chunk ${i} has scanline ${y}`);
    if (done[block]) throw corrupt(`scanline ${y} appears twice`);
    const lines = Math.min(linesPerBlock, height - block * linesPerBlock);
    const expected = lines * lineBytes;
    if (size <= 0 || offset + 8 + size > bytes.length) throw corrupt(`chunk for scanline ${y} runs past the end of the file`);
    const packed = bytes.subarray(offset + 8, offset + 8 + size);
    // A block stored at full size is raw: OpenEXR writes raw bytes whenever compression does not help.
    if (size === expected) raw.set(packed);
    else if (size > expected || compression === none) throw corrupt(`chunk for scanline ${y} has ${size} bytes, expected ${expected}`);
    else {
      try {
        if (compression === piz) pizDecompressBlock(packed, raw, width, lines, channelBytes);
        else zipDecompressBlock(packed, expected, raw, scratch);
      } catch (e) {
        throw corrupt(`chunk for scanline ${y}: ${(e as Error).message}`);
      }
    }

    const raw16 = new Uint16Array(raw.buffer, 0, expected >> 1);
    const rawF32 = new Float32Array(raw.buffer, 0, expected >> 2);
    const rawU32 = new Uint32Array(raw.buffer, 0, expected >> 2);
    let byteAt = 0;
    for (let l = 0; l < lines; l++) {
      const rowStart = (block * linesPerBlock + l) * width * outChannels;
      for (let c = 0; c < channels.length; c++) {
        const type = channels[c].pixelType;
        const d = dst[c];
        if (d >= 0) {
          let o = rowStart + d;
          if (type === EXR_PIXEL_HALF) {
            for (let x = 0, s = byteAt >> 1; x < width; x++, o += outChannels) out[o] = halfTable[raw16[s + x]];
          } else if ((byteAt & 3) !== 0) {
            // A 4-byte channel after a half channel of odd width is misaligned: read it the slow way.
            for (let x = 0, s = byteAt; x < width; x++, o += outChannels, s += 4) {
              out[o] = type === EXR_PIXEL_FLOAT ? rawView.getFloat32(s, true) : rawView.getUint32(s, true);
            }
          } else if (type === EXR_PIXEL_FLOAT) {
            for (let x = 0, s = byteAt >> 2; x < width; x++, o += outChannels) out[o] = rawF32[s + x];
          } else {
            for (let x = 0, s = byteAt >> 2; x < width; x++, o += outChannels) out[o] = rawU32[s + x];
          }
        }
        byteAt += width * EXR_PIXEL_BYTES[type];
      }
    }
    done[block] = 1;
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
    },
  };
}
