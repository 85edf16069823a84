/**
 * Camera RAW files (DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2, PEF and other makers' TIFF-based RAW; file-kind.ts) through LibRaw compiled to WebAssembly
 * (libraw-wasm), run in a worker thread: linear Rec.709 float, 1.0 = the sensor's white level after black
 * subtraction, with exposure metadata LibRaw reads itself (so RAF and CR3 get it too).
 */
import { DecodeError } from '../../src-shared/errors';
import { checkMonochromeRaw, rawImageMeta, rawToLinearImage } from '../../src-shared/codecs/raw-image';
import {
  describeLibRawException, describeLibRawMessage, linearRawSettings, MAX_RAW_MEGAPIXELS,
} from '../../src-shared/codecs/raw-libraw';
import type { ImageMeta, LinearImage } from '../../src-shared/image/linear-image';
import { RawDecodeWorker, RawWorkerError, type RawOp, type RawReply, type RawWorkerOptions } from './raw-decode-worker';

export interface RawDecodeOptions {
  /** Half width and height: each 2x2 block of the sensor becomes one pixel, with no demosaicing (fast previews). */
  halfSize?: boolean;
}

/** What the headers say: ImageMeta plus the size a full decode will have. */
export interface RawInfo extends ImageMeta {
  width: number;
  height: number;
}

export interface RawThumbnail {
  /** 'jpeg': a JPEG file; 'bitmap': 8-bit interleaved RGB, width x height. */
  format: 'jpeg' | 'bitmap';
  data: Uint8Array;
  width: number;
  height: number;
}

const worker = new RawDecodeWorker();

/** Time limit and idle time of the decode worker (tests shorten them). */
export function configureRawDecoder(options: Partial<RawWorkerOptions>): void {
  Object.assign(worker.options, options);
}

/** Ends the decode worker now, returning its memory; the next call starts a fresh one. */
export function stopRawDecoder(): void {
  worker.stop();
}

/** For tests and diagnostics: WASM memory after the last request, worker starts, requests. */
export function rawDecoderStats(): { heapBytes: number | null; workerStarts: number; requests: number } {
  return { heapBytes: worker.heapBytes, workerStarts: worker.starts, requests: worker.requests };
}

function failure(reply: Extract<RawReply, { ok: false }>, file: string): DecodeError {
  if (reply.kind === 'too-big') {
    const mp = Math.round(Number(reply.message) / 1e6);
    return new DecodeError(`${file}: the sensor image is ${mp} MP; Luxfuse decodes RAW files up to ${MAX_RAW_MEGAPIXELS} MP`, file);
  }
  if (reply.stage === 'load') return new DecodeError(`${file}: RAW decoding is unavailable: libraw-wasm did not load: ${reply.message}`, file);
  const says = [
    reply.exception !== undefined ? describeLibRawException(reply.exception) : '',
    reply.message ? describeLibRawMessage(reply.message) : '',
    ...reply.printed,
  ].filter((line, i, all) => line && all.findIndex((l) => l.toLowerCase() === line.toLowerCase()) === i).join('; ');
  return new DecodeError(`${file}: unsupported camera or corrupt RAW data: LibRaw says ${says || 'nothing more'}`, file);
}

async function request(op: RawOp, bytes: Uint8Array, file: string, halfSize = false): Promise<Extract<RawReply, { ok: true }>> {
  if (!bytes || bytes.length === 0) throw new DecodeError(`${file}: the file is empty`, file);
  let reply: RawReply;
  try {
    reply = await worker.run(op, bytes, linearRawSettings(halfSize), MAX_RAW_MEGAPIXELS * 1e6);
  } catch (error) {
    if (error instanceof RawWorkerError) throw new DecodeError(`${file}: RAW decoding failed: ${error.message}`, file);
    throw error;
  }
  if (!reply.ok) throw failure(reply, file);
  return reply;
}

/** Decodes a RAW file to linear RGB. Rejects with DecodeError naming the file when LibRaw cannot. */
export async function decodeRaw(bytes: Uint8Array, fileName: string, opts: RawDecodeOptions = {}): Promise<LinearImage> {
  const reply = await request('decode', bytes, fileName, opts.halfSize === true);
  if (!reply.image) throw new DecodeError(`${fileName}: LibRaw returned no image`, fileName);
  checkMonochromeRaw(bytes, reply.image.colors, fileName);
  return rawToLinearImage(reply.image, reply.meta, fileName);
}

/** Exposure, camera and capture time from the RAW headers, without unpacking the sensor data. */
export async function readRawMetadata(bytes: Uint8Array, fileName = 'RAW file'): Promise<RawInfo> {
  const { meta } = await request('metadata', bytes, fileName);
  return { ...rawImageMeta(meta, fileName), width: meta.width, height: meta.height };
}

/** The preview the camera embedded, for instant display; null when the file has none LibRaw can extract. */
export async function extractRawThumbnail(bytes: Uint8Array, fileName = 'RAW file'): Promise<RawThumbnail | null> {
  const { thumb } = await request('thumbnail', bytes, fileName);
  if (!thumb || (thumb.format !== 'jpeg' && thumb.format !== 'bitmap')) return null;
  return { format: thumb.format, data: thumb.data, width: thumb.width, height: thumb.height };
}
