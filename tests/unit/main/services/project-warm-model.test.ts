/**
 * models:warm in the engine (ProjectService.warmModel): once the engine has been quiet, the fusion
 * model's session is created once and the network run once on a preview-sized dummy input; a merge
 * after it, or asked while it runs, shares that session and nothing runs twice; a missing model file
 * fails nothing at warm-up time, is not remembered, and the merge reports it as it always has.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MergeRequest } from '../../../../src-preload/contract';
import { FusionModelMissingError, releaseFusionSessions } from '../../../../src-main/services/fusion-model';
import { ProjectService } from '../../../../src-main/services/project-service';
import { PREVIEW_WORKING_SIDE } from '../../../../src-shared/fusion/meta';
import { writeBracket } from '../../helpers/bracket-fixture';

// Every session created and every network run, in this thread: the real ones behind spies.
const realCreate = ort.InferenceSession.create.bind(ort.InferenceSession) as (bytes: Uint8Array, options: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;
const creates = vi.spyOn(ort.InferenceSession, 'create');
// The factory's type hides that it is the sessions' class: their run is on its prototype.
const runs = vi.spyOn((ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype, 'run');
const runDims = () => runs.mock.calls.map(([feeds]) => [...feeds.exposures.dims]);

let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-warm-model-'));
  files = writeBracket(dir, { width: 320, height: 224 });
});
afterAll(async () => {
  await releaseFusionSessions();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await releaseFusionSessions();
  creates.mockClear();
  runs.mockClear();
});

const preview = (projectId: string): MergeRequest => ({ projectId, method: 'learned', align: 'off', previewMaxSide: 160, stage: 'preview' });

describe('warming the fusion model in the engine', () => {
  it('creates the session and runs the network once, on a 3-frame input at the preview working side; a later merge creates no other session', async () => {
    const service = new ProjectService();
    await expect(service.warmModel('fusion')).resolves.toBeNull();
    expect(creates).toHaveBeenCalledTimes(1);
    expect(runDims()).toEqual([[1, 3, PREVIEW_WORKING_SIDE, PREVIEW_WORKING_SIDE]]);
    // Asked again (the next project opened): done already.
    await service.warmModel('fusion');
    expect([creates.mock.calls.length, runs.mock.calls.length]).toEqual([1, 1]);
    const { projectId } = await service.load(files);
    const merged = await service.merge(preview(projectId));
    expect(merged.network).toBe('main');
    expect(creates).toHaveBeenCalledTimes(1);
    expect(runs).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('waits for the engine to be quiet: asked with a load, it leaves the session to the merge that follows, and runs nothing itself', async () => {
    const service = new ProjectService();
    const loading = service.load(files);
    const warming = service.warmModel('fusion');
    const { projectId } = await loading;
    expect(creates).not.toHaveBeenCalled();
    await service.merge(preview(projectId));
    await warming;
    expect(creates).toHaveBeenCalledTimes(1);
    expect(runDims()).toEqual([[1, 3, 112, 160]]);
  }, 60_000);

  it('a merge asked while it creates the session shares that session, and then it runs nothing', async () => {
    // A slow creation (a loaded machine): the merge is asked well before it ends.
    creates.mockImplementationOnce((async (bytes: Uint8Array, options: ort.InferenceSession.SessionOptions) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return realCreate(bytes, options);
    }) as typeof ort.InferenceSession.create);
    const service = new ProjectService();
    const warming = service.warmModel('fusion');
    await vi.waitFor(() => expect(creates).toHaveBeenCalled(), { timeout: 10_000, interval: 5 });
    const { projectId } = await service.load(files);
    await service.merge(preview(projectId));
    await warming;
    expect(creates).toHaveBeenCalledTimes(1);
    expect(runs).toHaveBeenCalledTimes(1);
  }, 60_000);

  it('a missing model file fails nothing at warm-up time and is not remembered; the merge reports it as before', async () => {
    const saved = process.env.LUXFUSE_MODELS;
    process.env.LUXFUSE_MODELS = join(dir, 'no-models-here');
    try {
      const service = new ProjectService();
      await expect(service.warmModel('fusion')).resolves.toBeNull();
      const { projectId } = await service.load(files);
      const merging = service.merge(preview(projectId));
      await expect(merging).rejects.toBeInstanceOf(FusionModelMissingError);
      await expect(merging).rejects.toThrow(/^the learned fusion model is missing \(.*no-models-here.*\): .*; use --method mertens$/);
    } finally {
      if (saved === undefined) delete process.env.LUXFUSE_MODELS;
      else process.env.LUXFUSE_MODELS = saved;
    }
    // The file is back: the next warm-up loads it.
    await new ProjectService().warmModel('fusion');
    expect(creates).toHaveBeenCalledTimes(1);
    expect(runs).toHaveBeenCalledTimes(1);
  }, 60_000);
});
