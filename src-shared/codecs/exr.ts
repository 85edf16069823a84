/** OpenEXR writer: a single-part scanline file (half or float; NONE, ZIPS, ZIP or PIZ) from a LinearImage. */
import type { LinearImage } from '../image/linear-image';
import { EXR_COMPRESSION, EXR_PIXEL_FLOAT, EXR_PIXEL_HALF, exrLinesPerBlock } from './exr-format';
import { fileChannels, writeExrHeader, type ExrMetadata } from './exr-header-write';
import { pizCompressBlock } from './exr-piz';
import { zipCompressBlock } from './exr-zip';
import { halfFromFloatBits } from './half';

export interface ExrEncodeOptions {
  /** half (default) keeps 11 significant bits and range to 65504, enough for display-referred HDR. */
  pixelType?: 'half' | 'float';
  /**
   * zip (default): 16 lines per zlib block; zips: one line per block; piz: 32-line wavelet + Huffman blocks
   * (smaller on noisy photographic data, the usual choice in VFX); none: raw.
   */
  compression?: 'none' | 'zips' | 'zip' | 'piz';
  /** Standard header attributes (capture date, exposure settings, owner, comments, software). */
  metadata?: ExrMetadata;
}

/** Encodes img as OpenEXR bytes. Channels are stored B,G,R (+A), or Y for a grey image. */
export function encodeExr(img: LinearImage, opts: ExrEncodeOptions = {}): Uint8Array {
  const { width, height, channels, data } = img;
  const pixelTypeName = opts.pixelType ?? 'half';
  const compressionName = opts.compression ?? 'zip';
  if (pixelTypeName !== 'half' && pixelTypeName !== 'float') throw new RangeError(`unknown EXR pixel type ${pixelTypeName}`);
  if (!['none', 'zips', 'zip', 'piz'].includes(compressionName)) {
    throw new RangeError(`unsupported EXR compression ${compressionName}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new RangeError(`EXR needs 1, 3 or 4 channels, got ${channels}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(`image data holds ${data.length} samples, expected ${width * height * channels}`);
  }
  const isHalf = pixelTypeName === 'half';
  const compression = EXR_COMPRESSION[compressionName];
  const header = writeExrHeader(img, isHalf ? EXR_PIXEL_HALF : EXR_PIXEL_FLOAT, compression, opts.metadata);

  const linesPerBlock = exrLinesPerBlock(compression);
  const blockCount = Math.ceil(height / linesPerBlock);
  const lineBytes = width * channels * (isHalf ? 2 : 4);
  const chans = fileChannels(channels);
  // One block buffer reused for every block; typed views write samples in the file's little-endian order
  // (every platform we run on is little-endian).
  const rawBuffer = new ArrayBuffer(Math.ceil((linesPerBlock * lineBytes) / 4) * 4);
  const raw = new Uint8Array(rawBuffer, 0, linesPerBlock * lineBytes);
  const raw16 = new Uint16Array(rawBuffer);
  const raw32 = new Float32Array(rawBuffer);
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const scratch = compression === EXR_COMPRESSION.none || compression === EXR_COMPRESSION.piz ? raw : new Uint8Array(raw.length);
  const channelBytes = chans.map(() => (isHalf ? 2 : 4));

  const chunks: Uint8Array[] = new Array(blockCount);
  let pixelBytes = 0;
  for (let block = 0; block < blockCount; block++) {
    const y0 = block * linesPerBlock;
    const lines = Math.min(linesPerBlock, height - y0);
    let o = 0; // sample index into raw16/raw32
    for (let y = y0; y < y0 + lines; y++) {
      const rowStart = y * width * channels;
      for (const c of chans) {
        let s = rowStart + c.src;
        if (isHalf) {
          for (let x = 0; x < width; x++, s += channels) raw16[o++] = halfFromFloatBits(bits[s]);
        } else {
          for (let x = 0; x < width; x++, s += channels) raw32[o++] = data[s];
        }
      }
    }
    const blockRaw = raw.subarray(0, lines * lineBytes);
    const chunk = compression === EXR_COMPRESSION.none
      ? blockRaw.slice()
      : compression === EXR_COMPRESSION.piz
        ? pizCompressBlock(blockRaw, width, lines, channelBytes)
        : zipCompressBlock(blockRaw, scratch);
    chunks[block] = chunk;
    pixelBytes += 8 + chunk.length;
  }

  const out = new Uint8Array(header.length + blockCount * 8 + pixelBytes);
  const view = new DataView(out.buffer);
  out.set(header, 0);
  let tableAt = header.length;
  let at = header.length + blockCount * 8;
  for (let block = 0; block < blockCount; block++) {
    // Offsets are uint64; files stay far below 2^53, so two 32-bit halves are exact.
    view.setUint32(tableAt, at % 0x100000000, true);
    view.setUint32(tableAt + 4, Math.floor(at / 0x100000000), true);
    tableAt += 8;
    const chunk = chunks[block];
    view.setInt32(at, block * linesPerBlock, true);
    view.setInt32(at + 4, chunk.length, true);
    out.set(chunk, at + 8);
    at += 8 + chunk.length;
  }
  return out;
}
