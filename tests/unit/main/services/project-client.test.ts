/** The app's engine thread: ProjectService answered from a worker gives the in-process results, and survives the worker dying. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineStoppedError, WorkerProjectService } from '../../../../src-main/services/project-client';
import { ProjectService } from '../../../../src-main/services/project-service';

const ENTRY = resolve(import.meta.dirname, '../../../../src-main/services/project-worker.ts');
const BOOT = resolve(import.meta.dirname, '../../../../bin/ts-worker.mjs');
const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLES, f));

let dir: string;
const workers: Worker[] = [];
const spawnWorker = (): Worker => {
  const w = new Worker(BOOT, { workerData: { tsEntry: ENTRY } });
  workers.push(w);
  return w;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-engine-'));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  rmSync(dir, { recursive: true, force: true });
});

describe('WorkerProjectService', () => {
  it('loads, merges and exports in the worker with the same numbers as in-process', async () => {
    const remote = new WorkerProjectService(spawnWorker);
    const local = new ProjectService();
    const [a, b] = await Promise.all([remote.load(samples), local.load(samples)]);
    expect(a.frames.map((f) => f.name)).toEqual(b.frames.map((f) => f.name));
    expect(a.frames[0].thumbnail.data).toBeInstanceOf(Uint8ClampedArray);
    const request = { method: 'radiance' as const, align: 'off' as const, previewMaxSide: 200 };
    const ma = await remote.merge({ projectId: a.projectId, ...request });
    const mb = await local.merge({ projectId: b.projectId, ...request });
    expect(ma.preview.data).toBeInstanceOf(Float32Array);
    expect(ma.preview.data).toEqual(mb.preview.data);
    expect(ma.ev).toEqual(mb.ev);
    const out = join(dir, 'remote');
    const done = await remote.export({ projectId: a.projectId, tone: { operator: 'filmic' }, exrPath: `${out}.exr`, jpegPath: `${out}.jpg` });
    expect(done.written).toEqual([`${out}.exr`, `${out}.jpg`]);
    expect(statSync(`${out}.exr`).size).toBeGreaterThan(1000);
    await remote.close();
  }, 60_000);

  it('with compute workers (frames in shared memory in the engine), answers in ordinary memory with the same numbers', async () => {
    const computeWorker = { path: resolve(import.meta.dirname, '../../../../src-main/compute/compute-worker.ts'), tsx: true };
    const remote = new WorkerProjectService(() => {
      const w = new Worker(BOOT, { workerData: { tsEntry: ENTRY, computeWorker } });
      workers.push(w);
      return w;
    });
    const local = new ProjectService();
    const a = await remote.load(samples);
    const b = await local.load(samples);
    const plain = (v: ArrayBufferView): boolean => v.buffer instanceof ArrayBuffer && !(v.buffer instanceof SharedArrayBuffer);
    expect(a.frames.every((f) => plain(f.thumbnail.data))).toBe(true);
    for (const method of ['mertens', 'radiance'] as const) {
      const request = { method, align: 'off' as const, previewMaxSide: 300 };
      const ma = await remote.merge({ projectId: a.projectId, ...request });
      const mb = await local.merge({ projectId: b.projectId, ...request });
      expect(plain(ma.preview.data)).toBe(true);
      expect(ma.preview.data).toEqual(mb.preview.data);
      const region = { x: 10, y: 20, width: 300, height: 200, maxSide: 300 };
      const ra = await remote.previewRegion({ projectId: a.projectId, ...region });
      expect(plain(ra.data)).toBe(true);
      expect(ra.data).toEqual((await local.previewRegion({ projectId: b.projectId, ...region })).data);
    }
    await remote.close();
  }, 90_000);

  it('an error in the engine arrives with its message; a dead worker fails pending calls and the next call starts a new one', async () => {
    const remote = new WorkerProjectService(spawnWorker);
    await expect(remote.merge({ projectId: 'nope', method: 'mertens' })).rejects.toThrow(/project nope is not loaded/);
    const loading = remote.load(samples);
    // Kill the engine while it decodes.
    await new Promise((ok) => setTimeout(ok, 50));
    await workers[workers.length - 1].terminate();
    await expect(loading).rejects.toBeInstanceOf(EngineStoppedError);
    const again = await remote.load(samples);
    expect(again.frames).toHaveLength(3);
    await remote.close();
  }, 60_000);

  it('a load that outlasts its time limit stops the engine thread with a clear error; the next call gets a new thread', async () => {
    let spawned = 0;
    let terminated = 0;
    // An engine that never answers a load (a decoder stuck on a hostile file).
    const stuck = (): Worker => {
      spawned++;
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      const terminate = w.terminate.bind(w);
      w.terminate = () => (terminated++, terminate());
      workers.push(w);
      return w;
    };
    const remote = new WorkerProjectService(stuck, { loadTimeLimitMs: 300 });
    const t0 = performance.now();
    await expect(remote.load(samples)).rejects.toThrow(EngineStoppedError);
    await expect(remote.load(samples)).rejects.toThrow(/reading the files took longer than 300 ms: a damaged or unusually large file/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(spawned).toBe(2);
    expect(terminated).toBe(2);
    await remote.close();
  }, 30_000);
});
