/**
 * A JPEG encoded by every thread that is free. The display image lives in shared memory; the compute
 * workers and this thread claim strips of block rows from one counter (jpeg-encode.ts) and the strips
 * are joined in image order, the same file whoever encoded which. The workers start at once and this
 * thread joins in when it calls finish() (after writing the EXR, say): on two cores a JPEG-only export
 * takes about half the encode time, and an EXR + JPEG export keeps the JPEG off this thread as before.
 * Strips a worker did not deliver (it stopped) are encoded here: the file is always whole.
 */
import { jpegHeaderFor, type JpegEncodeOptions } from '../../src-shared/codecs/jpeg';
import { checkRgba, claimJpegStrips, encodeJpegStrip, joinJpeg, jpegBlockRows, jpegStripRows, jpegStripView } from '../../src-shared/codecs/jpeg-encode';
import type { Rgba8Image } from '../../src-shared/image/linear-image';
import { computeWorkers, tryCompute } from './compute-pool';

/**
 * Strips an image is cut into: enough that threads finishing at different times wait little for each
 * other (a 24 MP image: 32 block rows, about 0.1 s each), none under 16 block rows.
 */
const STRIPS = 16;

export interface JpegEncode {
  /** Encodes the strips no worker has claimed on this thread, then joins them all. */
  finish(): Promise<Uint8Array>;
  /** Strips claimed so far by any thread, and how many there are. */
  progress(): { claimed: number; strips: number };
}

/** Zeroed RGBA bytes for an image the compute workers will read in place (shared memory when there are workers). */
export function displayBytes(width: number, height: number): Uint8ClampedArray {
  const bytes = width * height * 4;
  return computeWorkers() > 0 ? new Uint8ClampedArray(new SharedArrayBuffer(bytes)) : new Uint8ClampedArray(bytes);
}

/** Starts encoding `image` on the idle compute workers (when its pixels are in shared memory); finish() does the rest. */
export function startJpegEncode(image: Rgba8Image, options: JpegEncodeOptions = {}): JpegEncode {
  const header = jpegHeaderFor(image.width, image.height, options);
  // Here, before any worker starts: a strip's own check would fail only on the thread that encodes it.
  checkRgba(image);
  const quality = options.quality ?? 92;
  const total = jpegBlockRows(image.height);
  const stripRows = jpegStripRows(image.height, STRIPS);
  const count = Math.ceil(total / stripRows);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const jobs: Promise<Array<[number, Uint8Array]>>[] = [];
  if (image.data.buffer instanceof SharedArrayBuffer && count > 1) {
    for (let job = tryCompute('encodeJpegStrips', [image, quality, stripRows, claim]); job; job = tryCompute('encodeJpegStrips', [image, quality, stripRows, claim])) {
      // Settled in finish(); until then a stopped worker must not count as an unhandled rejection.
      job.catch(() => undefined);
      jobs.push(job);
    }
  }
  return {
    async finish(): Promise<Uint8Array> {
      const strips: Array<Uint8Array | undefined> = new Array(count);
      let mine = 0;
      for (const [i, bytes] of claimJpegStrips(image, quality, stripRows, claim)) {
        strips[i] = bytes;
        mine++;
      }
      // Workers that started too late to claim a strip are not waited for.
      const settled = mine === count ? [] : await Promise.allSettled(jobs);
      for (const job of settled) {
        if (job.status === 'fulfilled') for (const [i, bytes] of job.value) strips[i] = bytes;
      }
      for (let i = 0; i < count; i++) {
        const first = i * stripRows;
        strips[i] ??= encodeJpegStrip(jpegStripView(image, first, Math.min(stripRows, total - first)), quality, first, total);
      }
      return joinJpeg(header, strips as Uint8Array[]);
    },
    progress: () => ({ claimed: Math.min(count, Atomics.load(claim, 0)), strips: count }),
  };
}
