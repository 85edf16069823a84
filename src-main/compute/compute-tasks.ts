/**
 * The stages a compute worker runs: each is a pure function of its arguments (no shared state), so it
 * gives the same bytes on a worker as on the thread that asked. Decoding frames is not one of them: two
 * threads decoding 24 MP frames at once took longer than one on this VM (BENCHMARKS.md).
 */
import { encodeJpeg, type JpegEncodeOptions } from '../../src-shared/codecs/jpeg';
import { encodeTiff, type TiffEncodeOptions } from '../../src-shared/codecs/tiff-write';
import type { Rgba8Image } from '../../src-shared/image/linear-image';

export const COMPUTE_TASKS = {
  encodeJpeg: (image: Rgba8Image, options: JpegEncodeOptions): Uint8Array => encodeJpeg(image, options),
  encodeTiff: (options: TiffEncodeOptions): Uint8Array => encodeTiff(options),
};

export type ComputeTask = keyof typeof COMPUTE_TASKS;
export type ComputeArgs<T extends ComputeTask> = Parameters<(typeof COMPUTE_TASKS)[T]>;
export type ComputeResult<T extends ComputeTask> = ReturnType<(typeof COMPUTE_TASKS)[T]>;
