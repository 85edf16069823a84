/**
 * The CLI's learned merge runs the network on a compute worker started for the run and ended after it
 * (predictFusionWeightsIsolated), so onnxruntime's WASM heap is not kept through the full-size lift and
 * blend: the same weights as on this thread, the model's errors keep their classes, the worker is gone
 * when the promise settles, and without workers everything runs here as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { computeIsolated, computeTasksDone, isolatedWorkers, useComputeWorkers } from '../../../../src-main/compute/compute-pool';
import {
  defaultModelPath,
  FusionModelLoadError,
  FusionModelMissingError,
  predictFusionWeights,
  predictFusionWeightsIsolated,
} from '../../../../src-main/services/fusion-model';
import { mergeFrames } from '../../../../src-main/services/merge-service';
import { fusionInput, smallBracket, WORKER } from './fixtures/fusion-inputs';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-isolated-'));

afterEach(() => useComputeWorkers(null));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fusion network on a worker of its own', () => {
  it('runs nothing elsewhere without a worker entry, or with workers turned off', () => {
    expect(computeIsolated('predictFusionWeights', [fusionInput(), defaultModelPath()])).toBeNull();
    useComputeWorkers(WORKER, 0);
    expect(computeIsolated('predictFusionWeights', [fusionInput(), defaultModelPath()])).toBeNull();
  });

  it('gives the weights this thread gives, on a worker that is gone once it answered; the input is left intact', async () => {
    const here = await predictFusionWeights(fusionInput());
    useComputeWorkers(WORKER, 1);
    const given = fusionInput();
    const before = computeTasksDone();
    const job = predictFusionWeightsIsolated(given);
    expect(isolatedWorkers()).toBe(1);
    const there = await job;
    expect(computeTasksDone() - before).toBe(1);
    expect(isolatedWorkers()).toBe(0);
    // The lift reads the input again: copied to the worker, not moved.
    expect(given.data.length).toBe(here.length);
    expect(Array.from(there)).toEqual(Array.from(here));
  }, 60_000);

  it("keeps the model's error classes across the thread and ends the worker", async () => {
    useComputeWorkers(WORKER, 1);
    const missing = join(dir, 'nowhere.onnx');
    const gone = await predictFusionWeightsIsolated(fusionInput(), missing).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(FusionModelMissingError);
    expect((gone as FusionModelMissingError).file).toBe(missing);
    expect((gone as Error).message).toMatch(/learned fusion model is missing/);
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    const bad = await predictFusionWeightsIsolated(fusionInput(), broken).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(FusionModelLoadError);
    expect(isolatedWorkers()).toBe(0);
  }, 60_000);

  it('a learned merge isolates its network from the given size on, and fuses exactly as one that runs it here', async () => {
    const here = await mergeFrames(smallBracket(), 'learned');
    useComputeWorkers(WORKER, 1);
    const before = computeTasksDone();
    // 80 x 56 = 4480 pixels: under the threshold the network runs here.
    const small = await mergeFrames(smallBracket(), 'learned', {}, { isolateFrom: 4481 });
    expect(computeTasksDone() - before).toBe(0);
    const apart = await mergeFrames(smallBracket(), 'learned', {}, { isolateFrom: 4480 });
    expect(computeTasksDone() - before).toBe(1);
    expect(Array.from(apart.fused!.data)).toEqual(Array.from(here.fused!.data));
    expect(Array.from(small.fused!.data)).toEqual(Array.from(here.fused!.data));
  }, 60_000);
});
