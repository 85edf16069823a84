/**
 * The stages a compute worker runs: each is a pure function of its arguments (no shared state), so it
 * gives the same bytes on a worker as on the thread that asked.
 */
import { decodeImage } from '../../src-shared/codecs/decode';
import { encodeJpeg, type JpegEncodeOptions } from '../../src-shared/codecs/jpeg';
import { encodeTiff, type TiffEncodeOptions } from '../../src-shared/codecs/tiff-write';
import type { LinearImage, Rgba8Image } from '../../src-shared/image/linear-image';

export const COMPUTE_TASKS = {
  /** A file's bytes to linear frame (the pure decoders; RAW stays with LibRaw's own worker). */
  decode: (bytes: Uint8Array, fileName: string): LinearImage => decodeImage(bytes, fileName),
  encodeJpeg: (image: Rgba8Image, options: JpegEncodeOptions): Uint8Array => encodeJpeg(image, options),
  encodeTiff: (options: TiffEncodeOptions): Uint8Array => encodeTiff(options),
};

export type ComputeTask = keyof typeof COMPUTE_TASKS;
export type ComputeArgs<T extends ComputeTask> = Parameters<(typeof COMPUTE_TASKS)[T]>;
export type ComputeResult<T extends ComputeTask> = ReturnType<(typeof COMPUTE_TASKS)[T]>;
