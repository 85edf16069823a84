/**
 * The compute workers give the bytes the calling thread would, move their inputs instead of copying
 * them, keep an encoder's error class across the thread, and never leave a task hanging when a worker goes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeTiff } from '../../../../src-shared/codecs/tiff-write';
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
/** A 16-bit RGB TIFF to encode (deflate: some work for the worker). */
const tiff = (width: number, height: number): { width: number; height: number; channels: 3; bits: 16; data: Uint16Array; compression: 'deflate' } => ({
  width,
  height,
  channels: 3,
  bits: 16,
  data: Uint16Array.from({ length: width * height * 3 }, (_, i) => ((i / 3) * 7 + (i % 3) * 9000) % 65536),
  compression: 'deflate',
});

afterEach(() => useComputeWorkers(null));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compute pool', () => {
  it('runs nothing without a worker entry: the caller encodes itself', () => {
    expect(tryCompute('encodeTiff', [tiff(8, 8)])).toBeNull();
  });

  it('encodes on a worker to the same bytes, moving the pixels; a second task finds no free worker', async () => {
    useComputeWorkers(WORKER, 1);
    const image = tiff(96, 64);
    const want = encodeTiff(tiff(96, 64));
    const job = tryCompute('encodeTiff', [image], transferables(image.data));
    expect(job).not.toBeNull();
    expect(image.data.byteLength).toBe(0);
    expect(tryCompute('encodeTiff', [tiff(8, 8)])).toBeNull();
    expect(Buffer.from(await job!).equals(Buffer.from(want))).toBe(true);
    // Free again once it answered.
    const again = tryCompute('encodeTiff', [tiff(8, 8)]);
    expect(again).not.toBeNull();
    await again;
  }, 30_000);

  it("an encoder's error keeps its class and message across the thread", async () => {
    useComputeWorkers(WORKER, 1);
    const error = await tryCompute('encodeTiff', [{ ...tiff(8, 8), channels: 4 as 3 }])!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('TIFF channels must be 1 or 3, got 4');
  }, 30_000);

  it('a worker stopped mid-task rejects that task with the reason', async () => {
    useComputeWorkers(WORKER, 1);
    const image = tiff(2000, 1500);
    const job = tryCompute('encodeTiff', [image], transferables(image.data))!;
    useComputeWorkers(null);
    await expect(job).rejects.toThrow(/compute worker stopped/);
  }, 30_000);

  it('writes JPEG, PNG, TIFF and EXR byte for byte as one thread does', async () => {
    // 64 rows: the JPEG is one strip, encoded here after the EXR; the TIFF goes to the worker (parallel-jpeg.test.ts shares strips).
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
    // The TIFF went to the worker.
    expect(computeTasksDone() - before).toBeGreaterThanOrEqual(1);
    pooled.forEach((bytes, i) => expect(bytes.equals(alone[i])).toBe(true));
  }, 60_000);
});
