/**
 * The compute workers give the bytes the calling thread would, move their inputs instead of copying
 * them, keep an encoder's error class across the thread, and never leave a task hanging when a worker goes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { mergeBracket } from '../../../../src-shared/pipeline/merge-bracket';
import { computeTasksDone, transferables, tryCompute, useComputeWorkers } from '../../../../src-main/compute/compute-pool';
import { exportOutcome } from '../../../../src-main/services/export-service';
import { readBracket } from '../../../../src-main/services/frames';
import { useNativeZlib } from '../../../../src-main/services/native-zlib';
import { FIXTURE_TIMES, writeBracket } from '../../helpers/bracket-fixture';

// As in every Node entry point (and in the worker): zlib's native deflate for the EXR and TIFF blocks.
useNativeZlib();

const WORKER = { path: resolve(import.meta.dirname, '../../../../src-main/compute/compute-worker.ts'), tsx: true };
const dir = mkdtempSync(join(tmpdir(), 'luxfuse-compute-'));
const rgba = (width: number, height: number): { width: number; height: number; data: Uint8ClampedArray } => ({
  width,
  height,
  data: Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => ((i >> 2) * 7 + (i & 3) * 60) % 256),
});
const JPEG = { quality: 90 };

afterEach(() => useComputeWorkers(null));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compute pool', () => {
  it('runs nothing without a worker entry: the caller encodes itself', () => {
    expect(tryCompute('encodeJpeg', [rgba(8, 8), JPEG])).toBeNull();
  });

  it('encodes on a worker to the same bytes, moving the pixels; a second task finds no free worker', async () => {
    useComputeWorkers(WORKER, 1);
    const image = rgba(96, 64);
    const want = encodeJpeg(rgba(96, 64), JPEG);
    const job = tryCompute('encodeJpeg', [image, JPEG], transferables(image.data));
    expect(job).not.toBeNull();
    expect(image.data.byteLength).toBe(0);
    expect(tryCompute('encodeJpeg', [rgba(8, 8), JPEG])).toBeNull();
    expect(Buffer.from(await job!).equals(Buffer.from(want))).toBe(true);
    // Free again once it answered.
    const again = tryCompute('encodeJpeg', [rgba(8, 8), JPEG]);
    expect(again).not.toBeNull();
    await again;
  }, 30_000);

  it("an encoder's error keeps its class and message across the thread", async () => {
    useComputeWorkers(WORKER, 1);
    const error = await tryCompute('encodeJpeg', [rgba(8, 8), { quality: 101 }])!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('JPEG quality must be 1..100, got 101');
  }, 30_000);

  it('a worker stopped mid-task rejects that task with the reason', async () => {
    useComputeWorkers(WORKER, 1);
    const image = rgba(2000, 1500);
    const job = tryCompute('encodeJpeg', [image, JPEG], transferables(image.data))!;
    useComputeWorkers(null);
    await expect(job).rejects.toThrow(/compute worker stopped/);
  }, 30_000);

  it('writes JPEG, PNG, TIFF and EXR byte for byte as one thread does', async () => {
    const paths = writeBracket(dir, { width: 96, height: 64, format: 'png', prefix: 'same' });
    const frames = await readBracket(paths);
    const outcome = mergeBracket(frames, 'mertens', { exposureTimes: FIXTURE_TIMES, withRadiance: true });
    const write = async (tag: string): Promise<Buffer[]> => {
      const targets = { exrPath: join(dir, `${tag}.exr`), jpegPath: join(dir, `${tag}.jpg`), pngPath: join(dir, `${tag}.png`), tiffPath: join(dir, `${tag}.tif`) };
      const written = await exportOutcome(outcome, { operator: 'local-contrast', exposure: 0.3 }, targets);
      expect(written).toEqual([targets.exrPath, targets.jpegPath, targets.pngPath, targets.tiffPath]);
      return written.map((p) => readFileSync(p));
    };
    const alone = await write('alone');
    useComputeWorkers(WORKER, 1);
    const before = computeTasksDone();
    const pooled = await write('pooled');
    // The JPEG went to the worker (the TIFF too when it was free again).
    expect(computeTasksDone() - before).toBeGreaterThanOrEqual(1);
    pooled.forEach((bytes, i) => expect(bytes.equals(alone[i])).toBe(true));
  }, 60_000);
});
