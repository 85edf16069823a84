/**
 * The app's previews run main's fusion network on the compute pool's kept worker (predictFusionWeightsKept), not
 * on the engine thread, whose WASM heap would otherwise stay through every full-size lift and blend: the same
 * weights as on this thread, one worker warm from one call to the next, ended by retireIdleWorkers (as a
 * full-size stage does) and started again by the next call, the model's errors keep their classes, and the
 * engine warms it again after a full-size learned merge when main runs the network.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  computeOnKeptWorker,
  computeTasksDone,
  isolatedWorkers,
  keptWorkerAlive,
  keptWorkerAvailable,
  keptWorkerStarts,
  retireIdleWorkers,
  useComputeWorkers,
} from '../../../../src-main/compute/compute-pool';
import { useComputeWorkersSharingFrames } from '../../../../src-main/compute/shared-frames';
import {
  defaultModelPath,
  FusionModelLoadError,
  FusionModelMissingError,
  predictFusionWeights,
  predictFusionWeightsKept,
  releaseFusionSessions,
  warmFusionModelKept,
} from '../../../../src-main/services/fusion-model';
import { mergeFrames } from '../../../../src-main/services/merge-service';
import { ProjectService } from '../../../../src-main/services/project-service';
import { fusionInput, smallBracket, WORKER } from './fixtures/fusion-inputs';
import { writeBracket } from '../../helpers/bracket-fixture';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-kept-'));

afterEach(async () => {
  useComputeWorkersSharingFrames(null);
  await releaseFusionSessions();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves once `done()` holds, checking every 50 ms; rejects after `ms`. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() > end) throw new Error(`not done within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the fusion network on the kept worker', () => {
  it('runs nothing elsewhere without a worker entry, or with workers turned off, and then runs here', async () => {
    expect(keptWorkerAvailable()).toBe(false);
    expect(computeOnKeptWorker('predictFusionWeights', [fusionInput(), defaultModelPath()])).toBeNull();
    useComputeWorkers(WORKER, 0);
    expect(computeOnKeptWorker('predictFusionWeights', [fusionInput(), defaultModelPath()])).toBeNull();
    const before = computeTasksDone();
    expect(Array.from(await predictFusionWeightsKept(fusionInput()))).toEqual(Array.from(await predictFusionWeights(fusionInput())));
    expect(computeTasksDone()).toBe(before);
  }, 60_000);

  it('gives the weights this thread gives, on one worker kept between calls until retireIdleWorkers ends it', async () => {
    const here = [await predictFusionWeights(fusionInput(0)), await predictFusionWeights(fusionInput(9))];
    useComputeWorkers(WORKER, 1);
    const starts = keptWorkerStarts();
    const given = fusionInput(0);
    expect(Array.from(await predictFusionWeightsKept(given))).toEqual(Array.from(here[0]));
    // The lift reads the input again: copied to the worker, not moved.
    expect(given.data.length).toBe(here[0].length);
    expect(keptWorkerAlive()).toBe(true);
    // Calls made together wait their turn on the one worker; each gets its own answer.
    const [a, b] = await Promise.all([predictFusionWeightsKept(fusionInput(9)), predictFusionWeightsKept(fusionInput(0))]);
    expect(Array.from(a)).toEqual(Array.from(here[1]));
    expect(Array.from(b)).toEqual(Array.from(here[0]));
    expect(keptWorkerStarts() - starts).toBe(1);
    expect(isolatedWorkers()).toBe(0);
    // What a full-size stage does before it runs: the kept worker goes with the pool's idle lanes.
    retireIdleWorkers();
    expect(keptWorkerAlive()).toBe(false);
    expect(Array.from(await predictFusionWeightsKept(fusionInput(9)))).toEqual(Array.from(here[1]));
    expect(keptWorkerStarts() - starts).toBe(2);
  }, 90_000);

  it("keeps the model's error classes across the thread, and the next call still runs", async () => {
    useComputeWorkers(WORKER, 1);
    const missing = join(dir, 'nowhere.onnx');
    const gone = await predictFusionWeightsKept(fusionInput(), missing).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(FusionModelMissingError);
    expect((gone as FusionModelMissingError).file).toBe(missing);
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    expect(await predictFusionWeightsKept(fusionInput(), broken).catch((e: unknown) => e)).toBeInstanceOf(FusionModelLoadError);
    expect((await predictFusionWeightsKept(fusionInput())).length).toBe(fusionInput().data.length);
  }, 60_000);

  it('warms the kept worker once while it lives, and again once it has ended', async () => {
    useComputeWorkers(WORKER, 1);
    const idle = async (): Promise<void> => undefined;
    const before = computeTasksDone();
    await warmFusionModelKept(idle);
    expect(keptWorkerAlive()).toBe(true);
    expect(computeTasksDone() - before).toBe(1);
    await warmFusionModelKept(idle);
    expect(computeTasksDone() - before).toBe(1);
    retireIdleWorkers();
    await warmFusionModelKept(idle);
    expect(computeTasksDone() - before).toBe(2);
    expect(keptWorkerAlive()).toBe(true);
  }, 90_000);

  it('a learned merge runs its network on the kept worker below the isolation size, and fuses exactly as one that runs it here', async () => {
    const here = await mergeFrames(smallBracket(), 'learned');
    useComputeWorkers(WORKER, 1);
    const before = computeTasksDone();
    const kept = await mergeFrames(smallBracket(), 'learned', {}, { isolateFrom: 4481, keepWorker: true });
    expect(computeTasksDone() - before).toBe(1);
    expect(keptWorkerAlive()).toBe(true);
    expect(isolatedWorkers()).toBe(0);
    expect(Array.from(kept.fused!.data)).toEqual(Array.from(here.fused!.data));
  }, 60_000);

  it('the engine runs a preview network on the kept worker, a full-size one apart, and warms the kept worker again after it', async () => {
    // 2448 x 1640 = 4.0 MP: the full stage isolates its network (ISOLATE_MIN_PIXELS) and retires the idle workers.
    const files = writeBracket(dir, { width: 2448, height: 1640, prefix: 'big' });
    useComputeWorkersSharingFrames(WORKER, 1);
    const service = new ProjectService();
    await service.warmModel('fusion');
    expect(keptWorkerAlive()).toBe(true);
    const { projectId } = await service.load(files);
    const request = { projectId, method: 'learned' as const, previewMaxSide: 640 };
    const starts = keptWorkerStarts();
    const tasks = computeTasksDone();
    const preview = await service.merge({ ...request, stage: 'preview' });
    expect(preview.stage).toBe('preview');
    // The preview's only task off this thread (its frames are too small for any two-thread stage): the network, on the warmed worker.
    expect(computeTasksDone() - tasks).toBe(1);
    expect(keptWorkerStarts()).toBe(starts);
    const full = await service.merge({ ...request, stage: 'full' });
    expect(full.stage).toBe('full');
    expect(keptWorkerStarts()).toBe(starts);
    // The full stage ended the kept worker; in the next pause the engine starts and warms a new one.
    expect(keptWorkerAlive()).toBe(false);
    await until(() => keptWorkerAlive(), 30_000);
    expect(keptWorkerStarts()).toBe(starts + 1);
  }, 180_000);
});
