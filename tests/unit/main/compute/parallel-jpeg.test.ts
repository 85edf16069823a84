/**
 * A JPEG encoded in strips by the compute workers and the calling thread is the file one thread writes,
 * whoever encodes which strip, and stays whole when a worker stops halfway.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import type { Rgba8Image } from '../../../../src-shared/image/linear-image';
import { computeTasksDone, useComputeWorkers } from '../../../../src-main/compute/compute-pool';
import { displayBytes, startJpegEncode, type JpegEncode } from '../../../../src-main/compute/parallel-jpeg';

const WORKER = { path: resolve(import.meta.dirname, '../../../../src-main/compute/compute-worker.ts'), tsx: true };
const OPTIONS = { quality: 90, exif: { make: 'Luxfuse', model: 'test' } };

/** A picture in `bytes` (shared memory when workers are in use): gradients, edges and noise. */
function picture(width: number, height: number, bytes: Uint8ClampedArray = new Uint8ClampedArray(width * height * 4)): Rgba8Image {
  let s = 7;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      s = (s * 1103515245 + 12345) >>> 0;
      bytes[i] = (x * 255) / width;
      bytes[i + 1] = x > width / 2 ? 40 : 128 + 90 * Math.sin(y / 5);
      bytes[i + 2] = y > height / 2 ? s >>> 24 : (x ^ y) & 255;
      bytes[i + 3] = 255;
    }
  }
  return { width, height, data: bytes };
}

/** Resolves once every strip has been claimed (by the workers, when this thread has not started). */
async function allClaimed(job: JpegEncode, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (job.progress().claimed < job.progress().strips) {
    if (Date.now() > end) throw new Error(`only ${job.progress().claimed} of ${job.progress().strips} strips claimed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(() => useComputeWorkers(null));

describe('parallel JPEG', () => {
  it('without workers: ordinary memory, this thread encodes every strip, the same bytes as encodeJpeg', async () => {
    const bytes = displayBytes(300, 400);
    expect(bytes.buffer).toBeInstanceOf(ArrayBuffer);
    const img = picture(300, 400, bytes);
    const job = startJpegEncode(img, OPTIONS);
    expect(job.progress()).toEqual({ claimed: 0, strips: 4 });
    expect(Buffer.from(await job.finish()).equals(Buffer.from(encodeJpeg(img, OPTIONS)))).toBe(true);
  });

  it('refuses pixels that are not width x height RGBA before any strip is claimed', () => {
    const short = { width: 300, height: 400, data: new Uint8ClampedArray(300 * 400 * 4 - 4) };
    expect(() => startJpegEncode(short, OPTIONS)).toThrow(/RGBA data holds 479996 bytes, expected 480000/);
  });

  it('the workers encode strips from shared memory: the joined file is encodeJpeg\'s, byte for byte', async () => {
    useComputeWorkers(WORKER, 2);
    const bytes = displayBytes(200, 1400);
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const img = picture(200, 1400, bytes);
    const before = computeTasksDone();
    const job = startJpegEncode(img, OPTIONS);
    // Let the workers take every strip before this thread joins in: all of the file is theirs.
    await allClaimed(job);
    const file = await job.finish();
    expect(computeTasksDone() - before).toBeGreaterThanOrEqual(1);
    expect(Buffer.from(file).equals(Buffer.from(encodeJpeg(picture(200, 1400), OPTIONS)))).toBe(true);
  }, 60_000);

  it('strips a stopped worker had claimed are encoded here: the file is still whole and the same', async () => {
    useComputeWorkers(WORKER, 1);
    const img = picture(400, 2400, displayBytes(400, 2400));
    const job = startJpegEncode(img, OPTIONS);
    const end = Date.now() + 20_000;
    while (job.progress().claimed === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(job.progress().claimed).toBeGreaterThan(0);
    // The worker is terminated mid-strip (or between strips): what it held is lost with it.
    useComputeWorkers(null);
    const file = await job.finish();
    expect(Buffer.from(file).equals(Buffer.from(encodeJpeg(picture(400, 2400), OPTIONS)))).toBe(true);
  }, 60_000);
});
