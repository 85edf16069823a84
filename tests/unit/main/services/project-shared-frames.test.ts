/**
 * The engine thread as the app runs it (issue 8): compute workers, frames in shared memory, the full-resolution
 * fusion on two threads. Every ProjectService call answers in ordinary memory (nothing for Electron's IPC to
 * refuse), with the numbers of the engine on one thread.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MergeMethod } from '../../../../src-preload/contract';
import { lastFusionSplit } from '../../../../src-main/compute/parallel-fusion';
import { useComputeWorkersSharingFrames } from '../../../../src-main/compute/shared-frames';
import { ProjectService } from '../../../../src-main/services/project-service';
import { frameSamplesShared } from '../../../../src-shared/image/samples';
import { writeBracket } from '../../helpers/bracket-fixture';
import { WORKER } from '../compute/fixtures/two-threads';

let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-shared-frames-'));
  // Over a megapixel: the fusion splits its bands with a worker from this size (PARALLEL_FUSION_MIN_PIXELS).
  files = writeBracket(dir, { width: 1280, height: 840 });
});
afterAll(() => {
  useComputeWorkersSharingFrames(null);
  rmSync(dir, { recursive: true, force: true });
});

/** Where under value a typed array over a SharedArrayBuffer is (none: it can cross Electron's IPC). */
function sharedAt(value: unknown, path = 'result'): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (ArrayBuffer.isView(value)) return value.buffer instanceof SharedArrayBuffer ? [path] : [];
  return Object.entries(value).flatMap(([k, v]) => sharedAt(v, `${path}.${k}`));
}

/** The value with each typed array replaced by its kind, length and a hash of its bytes: compared bit for bit, and fast. */
function digest(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { kind: value.constructor.name, bytes: value.byteLength, sha1: createHash('sha1').update(bytes).digest('hex') };
  }
  return Array.isArray(value) ? value.map(digest) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, digest(v)]));
}

/** Every call the renderer makes of a project, in order, on a fresh service: what each answered. */
async function session(methods: MergeMethod[]): Promise<Record<string, unknown>> {
  const service = new ProjectService();
  const answers: Record<string, unknown> = {};
  const load = await service.load(files);
  answers.load = load;
  const { projectId } = load;
  for (const method of methods) {
    const request = { projectId, method, previewMaxSide: 640 };
    answers[`${method} preview`] = await service.merge({ ...request, stage: 'preview' });
    answers[`${method} full`] = await service.merge({ ...request, stage: 'full' });
    if (method === 'mertens') answers['mertens split'] = lastFusionSplit().parallel;
    answers[`${method} frame`] = await service.framePreview({ projectId, index: 1, maxSide: 900 });
    answers[`${method} region`] = await service.previewRegion({ projectId, x: 100, y: 50, width: 400, height: 300, maxSide: 400 });
    answers[`${method} weights`] = await service.weightMap({ projectId, index: 0 });
  }
  answers.fusionInput = await service.fusionInput({ projectId, method: 'learned', stage: 'preview', previewMaxSide: 640 });
  answers.export = await service.export({ projectId, tone: { operator: 'filmic' }, exrPath: join(dir, `${methods.join('-')}-${frameSamplesShared()}.exr`) });
  return answers;
}

describe('the engine with frames in shared memory', () => {
  it('answers every call in ordinary memory, with the numbers of one thread', async () => {
    const methods: MergeMethod[] = ['mertens', 'radiance', 'learned'];
    useComputeWorkersSharingFrames(WORKER, 1);
    expect(frameSamplesShared()).toBe(true);
    const shared = await session(methods);
    // The test means something: the full Mertens fusion ran on two threads, from frames in shared memory.
    expect(shared['mertens split']).toBe(true);
    for (const [call, answer] of Object.entries(shared)) expect(sharedAt(answer, call)).toEqual([]);

    useComputeWorkersSharingFrames(null);
    expect(frameSamplesShared()).toBe(false);
    const alone = await session(methods);
    expect(alone['mertens split']).toBe(false);
    for (const call of Object.keys(shared).filter((c) => !['mertens split', 'export'].includes(c))) {
      // Two projects, two ids; times differ.
      const { millis: _a, projectId: _pa, ...a } = shared[call] as { millis?: number; projectId?: string };
      const { millis: _b, projectId: _pb, ...b } = alone[call] as { millis?: number; projectId?: string };
      expect(digest(a), call).toEqual(digest(b));
    }
  }, 240_000);
});
