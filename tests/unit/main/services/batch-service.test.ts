/** Batches: the loop the CLI and the app share, and the app's batch export on generated brackets. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRequest, BatchStatus } from '../../../../src-preload/contract';
import { decodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { BatchExporter, BatchRunningError, planBatch, runInTurn, type GroupEngine } from '../../../../src-main/services/batch-service';
import { WorkerProjectService } from '../../../../src-main/services/project-client';
import { ProjectService, projectGroupEngine } from '../../../../src-main/services/project-service';
import { writeBracket } from '../../helpers/bracket-fixture';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-batch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const folder = (name: string) => {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
};

const request = (groups: string[][], out: string, change: Partial<BatchRequest['options']> = {}): BatchRequest => ({
  groups: groups.map((paths) => ({ paths })),
  method: 'mertens',
  align: 'off',
  tone: { operator: 'none', exposure: 0, contrast: 0 },
  options: { formats: ['jpeg'], quality: 90, output: 'srgb', exrPixelType: 'half', exrCompression: 'zip', template: '{name}-{n}', folder: out, ...change },
  overwrite: false,
});

/** Waits for the batch to end, collecting every status it posts. */
async function finished(exporter: BatchExporter): Promise<BatchStatus> {
  for (;;) {
    const s = exporter.status();
    if (s && !s.running) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('runInTurn', () => {
  const jobs = (n: number, out = '/nowhere') => Array.from({ length: n }, (_, i) => ({ files: [`/in/${i}.jpg`], outputs: [join(out, `${i}.jpg`)] }));

  it('runs every job in order; a failure is reported and the rest go on', async () => {
    const seen: number[] = [];
    const { results, cancelled } = await runInTurn(
      jobs(3),
      async (_job, i) => {
        seen.push(i);
        if (i === 1) throw new Error('frame 2 is truncated');
        return [`/o/${i}`];
      },
      { overwrite: false },
    );
    expect(seen).toEqual([0, 1, 2]);
    expect(cancelled).toBe(false);
    expect(results).toEqual([
      { status: 'merged', outputs: ['/o/0'] },
      { status: 'failed', outputs: [], message: 'frame 2 is truncated' },
      { status: 'merged', outputs: ['/o/2'] },
    ]);
  });

  it('stops before the next job once cancelled, rethrows fatal errors, and skips jobs whose outputs all exist unless overwriting', async () => {
    const controller = new AbortController();
    const ran: number[] = [];
    const stopped = await runInTurn(jobs(4), async (_j, i) => (ran.push(i), i === 1 && controller.abort(), []), { overwrite: false, signal: controller.signal });
    expect(ran).toEqual([0, 1]);
    expect(stopped.cancelled).toBe(true);
    expect(stopped.results).toHaveLength(2);

    await expect(runInTurn(jobs(2), async () => Promise.reject(new RangeError('usage')), { overwrite: false, fatal: (e) => e instanceof RangeError })).rejects.toThrow('usage');

    const out = folder('existing');
    writeFileSync(join(out, '0.jpg'), 'x');
    const skipped = await runInTurn(jobs(2, out), async () => ['written'], { overwrite: false });
    expect(skipped.results.map((r) => r.status)).toEqual(['skipped', 'merged']);
    const redone = await runInTurn(jobs(2, out), async () => ['written'], { overwrite: true });
    expect(redone.results.map((r) => r.status)).toEqual(['merged', 'merged']);
  });
});

describe('the app batch export', () => {
  it('names each group from the template (capture date from EXIF, repeated names made unique), one method per group size', async () => {
    const shoot = folder('plan');
    const a = writeBracket(shoot, { prefix: 'a', minute: 1 });
    const jobs = await planBatch({ ...request([a, a.slice(0, 1), a], '/out', { template: '{name}_{date}_{method}', formats: ['tiff', 'jpeg'] }), method: 'radiance' });
    expect(jobs.map((j) => j.stem)).toEqual(['a-1_2026-01-01_radiance', 'a-1_2026-01-01_recover', 'a-1_2026-01-01_radiance-2']);
    expect(jobs[0].outputs).toEqual(['/out/a-1_2026-01-01_radiance.jpg', '/out/a-1_2026-01-01_radiance.tif']);
    expect(jobs.map((j) => j.method)).toEqual(['radiance', 'recover', 'radiance']);
  });

  it('exports group after group through the app engine: a truncated frame fails its group, the others are written and decode, statuses are posted', async () => {
    const shoot = folder('shoot');
    const out = folder('out');
    const a = writeBracket(shoot, { prefix: 'a', minute: 0 });
    const b = writeBracket(shoot, { prefix: 'b', minute: 5 });
    const c = writeBracket(shoot, { prefix: 'c', minute: 10 });
    truncateSync(b[1], 200);
    const posted: BatchStatus[] = [];
    const exporter = new BatchExporter(projectGroupEngine(new ProjectService()), (s) => posted.push(s));
    await exporter.start({ ...request([a, b, c], out, { formats: ['jpeg', 'exr'], maxSide: 100 }), tone: { operator: 'none', exposure: 1, contrast: 0 } });
    await expect(exporter.start(request([a], out))).rejects.toThrow(BatchRunningError);
    const status = await finished(exporter);
    expect(status.groups.map((g) => [g.name, g.state])).toEqual([
      ['a-1-1', 'written'],
      ['b-1-2', 'failed'],
      ['c-1-3', 'written'],
    ]);
    expect(status.groups[1].message).toContain('b-2.jpg');
    expect(status.groups[0].outputs).toEqual([join(out, 'a-1-1.exr'), join(out, 'a-1-1.jpg')]);
    expect(readdirSync(out).sort()).toEqual(['a-1-1.exr', 'a-1-1.jpg', 'c-1-3.exr', 'c-1-3.jpg']);
    const jpeg = decodeJpeg(new Uint8Array(readFileSync(join(out, 'c-1-3.jpg'))));
    expect([jpeg.width, jpeg.height]).toEqual([100, 70]);
    // Every stage was posted: each group loaded, merged and wrote before the next one began.
    const stages = posted.flatMap((s) => s.groups.map((g, i) => `${i}:${g.state}`)).filter((x, i, all) => all.indexOf(x) === i);
    expect(stages).toEqual(expect.arrayContaining(['0:loading', '0:merging', '0:writing', '0:written', '2:loading', '2:writing']));
    const firstOfC = posted.findIndex((s) => s.groups[2].state === 'loading');
    expect(posted[firstOfC].groups[0].state).toBe('written');
    expect(posted.at(-1)!.running).toBe(false);
  }, 120_000);

  it('a cancel stops before the next group: the rest say cancelled, only whole files are written', async () => {
    const shoot = folder('cancel-in');
    const out = folder('cancel-out');
    const groups = ['p', 'q', 'r'].map((prefix, i) => writeBracket(shoot, { prefix, minute: i * 5 }));
    // The engine hears the cancel while the first group is being written.
    const engine = projectGroupEngine(new ProjectService());
    const slowed: GroupEngine = {
      exportGroup: (job, method, req, stage) =>
        engine.exportGroup(job, method, req, (s) => {
          if (s === 'writing' && job.files[0].includes('p-')) exporter.cancel();
          stage(s);
        }),
    };
    const exporter = new BatchExporter(slowed);
    await exporter.start(request(groups, out));
    const status = await finished(exporter);
    expect(status.cancelled).toBe(true);
    expect(status.groups.map((g) => g.state)).toEqual(['written', 'cancelled', 'cancelled']);
    expect(status.groups[1].message).toMatch(/cancelled/);
    expect(readdirSync(out)).toEqual(['p-1-1.jpg']);
    expect(decodeJpeg(new Uint8Array(readFileSync(join(out, 'p-1-1.jpg')))).width).toBe(160);
  }, 120_000);

  it('refuses a missing destination folder before any work', async () => {
    const shoot = folder('nofolder');
    const a = writeBracket(shoot, { prefix: 'a' });
    const exporter = new BatchExporter(projectGroupEngine(new ProjectService()));
    await expect(exporter.start(request([a], join(dir, 'missing')))).rejects.toThrow(/does not exist/);
    expect(exporter.status()?.running).toBe(false);
  });

  it('runs in the engine worker: status is answered in main from what the worker posts, cancel reaches it between groups', async () => {
    const shoot = folder('worker-in');
    const out = folder('worker-out');
    const groups = ['u', 'v'].map((prefix, i) => writeBracket(shoot, { prefix, minute: i * 5 }));
    const client = new WorkerProjectService(
      () => new Worker(resolve(import.meta.dirname, '../../../../bin/ts-worker.mjs'), { workerData: { tsEntry: resolve(import.meta.dirname, '../../../../src-main/services/project-worker.ts') } }),
    );
    try {
      expect(await client.batchStatus()).toBeNull();
      const { id } = await client.batchStart(request(groups, out));
      expect((await client.batchStatus())?.id).toBe(id);
      let status: BatchStatus | null = null;
      for (let i = 0; i < 600 && (status = await client.batchStatus())?.running !== false; i++) await new Promise((r) => setTimeout(r, 100));
      expect(status?.groups.map((g) => g.state)).toEqual(['written', 'written']);
      expect(readdirSync(out).sort()).toEqual(['u-1-1.jpg', 'v-1-2.jpg']);
      // Again, replacing them, cancelled at once: the cancel message reaches the busy engine before its second group.
      await client.batchStart({ ...request(groups, out), overwrite: true });
      expect(await client.batchCancel()).toBeNull();
      for (let i = 0; i < 600 && (status = await client.batchStatus())?.running !== false; i++) await new Promise((r) => setTimeout(r, 100));
      expect(status?.cancelled).toBe(true);
      expect(status?.groups[1].state).toBe('cancelled');
      expect(readdirSync(out).sort()).toEqual(['u-1-1.jpg', 'v-1-2.jpg']);
    } finally {
      await client.close();
    }
  }, 120_000);
});
