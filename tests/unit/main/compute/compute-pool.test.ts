/**
 * The compute workers give the bytes and frames the calling thread would, move their inputs instead of
 * copying them, keep error classes across the thread, and never leave a task hanging when a worker goes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { encodePng } from '../../../../src-shared/codecs/png';
import { DecodeError } from '../../../../src-shared/errors';
import { mergeBracket } from '../../../../src-shared/pipeline/merge-bracket';
import { computeTasksDone, computeWorkerEntry, transferables, tryCompute, useComputeWorkers } from '../../../../src-main/compute/compute-pool';
import { exportOutcome } from '../../../../src-main/services/export-service';
import { readBracket } from '../../../../src-main/services/frames';
import { useNativeZlib } from '../../../../src-main/services/native-zlib';
import { FIXTURE_TIMES, writeBracket } from '../../helpers/bracket-fixture';

// As in every Node entry point (and in the worker): zlib's native deflate for the EXR and TIFF blocks.
useNativeZlib();

const WORKER = { path: resolve(import.meta.dirname, '../../../../src-main/compute/compute-worker.ts'), tsx: true };
const dir = mkdtempSync(join(tmpdir(), 'luxfuse-compute-'));
const pngBytes = (): Uint8Array => {
  const data = Uint8Array.from({ length: 48 * 32 * 3 }, (_, i) => (i * 37) % 256);
  return encodePng({ width: 48, height: 32, channels: 3, bits: 8, data });
};

afterEach(() => useComputeWorkers(null));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compute pool', () => {
  it('runs nothing without a worker entry: the caller decodes itself', () => {
    expect(computeWorkerEntry()).toBeNull();
    expect(tryCompute('decode', [pngBytes(), 'a.png'])).toBeNull();
  });

  it('decodes on a worker to the same frame, moving the bytes; a second task finds no free worker', async () => {
    useComputeWorkers(WORKER, 1);
    const bytes = pngBytes();
    const want = decodeImage(pngBytes(), 'a.png');
    const job = tryCompute('decode', [bytes, 'a.png'], transferables(bytes));
    expect(job).not.toBeNull();
    expect(bytes.byteLength).toBe(0);
    expect(tryCompute('decode', [pngBytes(), 'b.png'])).toBeNull();
    const got = await job!;
    expect(got.width).toBe(48);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    // Free again once it answered.
    const again = tryCompute('decode', [pngBytes(), 'c.png']);
    expect(again).not.toBeNull();
    await again;
  }, 30_000);

  it("a decoder's error keeps its class and file across the thread", async () => {
    useComputeWorkers(WORKER, 1);
    const error = await tryCompute('decode', [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2, 3), 'broken.png'])!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).file).toBe('broken.png');
    expect((error as Error).message).toMatch(/PNG|truncated|corrupt/i);
  }, 30_000);

  it('a worker stopped mid-task rejects that task with the reason', async () => {
    useComputeWorkers(WORKER, 1);
    const big = new Uint8Array(readFileSync(writeBracket(dir, { width: 640, height: 480, format: 'png', prefix: 'stop' })[0]));
    const job = tryCompute('decode', [big, 'stop.png'], transferables(big))!;
    useComputeWorkers(null);
    await expect(job).rejects.toThrow(/compute worker stopped/);
  }, 30_000);

  it('reads a bracket and writes JPEG, PNG, TIFF and EXR byte for byte as one thread does', async () => {
    const paths = writeBracket(dir, { width: 96, height: 64, format: 'png', prefix: 'same' });
    const write = async (tag: string): Promise<{ frames: Float32Array[]; files: Buffer[] }> => {
      const frames = await readBracket(paths);
      const outcome = mergeBracket(frames, 'mertens', { exposureTimes: FIXTURE_TIMES, withRadiance: true });
      const targets = { exrPath: join(dir, `${tag}.exr`), jpegPath: join(dir, `${tag}.jpg`), pngPath: join(dir, `${tag}.png`), tiffPath: join(dir, `${tag}.tif`) };
      const written = await exportOutcome(outcome, { operator: 'local-contrast', exposure: 0.3 }, targets);
      expect(written).toEqual([targets.exrPath, targets.jpegPath, targets.pngPath, targets.tiffPath]);
      return { frames: frames.map((f) => f.data), files: written.map((p) => readFileSync(p)) };
    };
    const alone = await write('alone');
    useComputeWorkers(WORKER, 1);
    const before = computeTasksDone();
    const pooled = await write('pooled');
    // One of the three frames and at least one display image went to the worker.
    expect(computeTasksDone() - before).toBeGreaterThanOrEqual(2);
    expect(pooled.frames).toEqual(alone.frames);
    pooled.files.forEach((bytes, i) => expect(bytes.equals(alone.files[i])).toBe(true));
  }, 60_000);
});
