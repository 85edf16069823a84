/**
 * The CLI's learned merge runs the network on a compute worker started for the run and ended after it
 * (predictFusionWeightsIsolated), so onnxruntime's WASM heap is not kept through the full-size lift and
 * blend: the same weights as on this thread, the model's errors keep their classes, the worker is gone
 * when the promise settles, and without workers everything runs here as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
import type { FusionInput } from '../../../../src-shared/fusion/fusion-input';
import { createLinearImage, type LinearImage } from '../../../../src-shared/image/linear-image';

const WORKER = { path: resolve(import.meta.dirname, '../../../../src-main/compute/compute-worker.ts'), tsx: true };
const dir = mkdtempSync(join(tmpdir(), 'luxfuse-isolated-'));

afterEach(() => useComputeWorkers(null));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 exposures of a 64x48 gradient with an edge, as the network sees them (luma 0..1). */
function input(): FusionInput {
  const w = 64;
  const h = 48;
  const data = new Float32Array(3 * w * h);
  for (let k = 0; k < 3; k++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) data[(k * h + y) * w + x] = Math.min(1, ((x / w) * 0.6 + (x > 30 ? 0.3 : 0)) * 2 ** (k - 1));
    }
  }
  return { data, exposures: 3, width: w, height: h, paddedWidth: w, paddedHeight: h };
}

/** A small 3-frame bracket 2 stops apart. */
function bracket(): LinearImage[] {
  return [-2, 0, 2].map((ev) => {
    const f = createLinearImage(80, 56, 3, { sourceTransfer: 'srgb', clipLevel: 1 }, ev);
    for (let p = 0; p < 80 * 56; p++) {
      const x = p % 80;
      const y = Math.floor(p / 80);
      const v = Math.min(1, (0.02 + (x / 80) ** 2 * 3 + (y > 28 ? 0.1 : 0)) * 2 ** ev);
      f.data.set([v, v * 0.9, v * 0.8], p * 3);
    }
    return f;
  });
}

describe('the fusion network on a worker of its own', () => {
  it('runs nothing elsewhere without a worker entry, or with workers turned off', () => {
    expect(computeIsolated('predictFusionWeights', [input(), defaultModelPath()])).toBeNull();
    useComputeWorkers(WORKER, 0);
    expect(computeIsolated('predictFusionWeights', [input(), defaultModelPath()])).toBeNull();
  });

  it('gives the weights this thread gives, on a worker that is gone once it answered; the input is left intact', async () => {
    const here = await predictFusionWeights(input());
    useComputeWorkers(WORKER, 1);
    const given = input();
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
    const gone = await predictFusionWeightsIsolated(input(), missing).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(FusionModelMissingError);
    expect((gone as FusionModelMissingError).file).toBe(missing);
    expect((gone as Error).message).toMatch(/learned fusion model is missing/);
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    const bad = await predictFusionWeightsIsolated(input(), broken).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(FusionModelLoadError);
    expect(isolatedWorkers()).toBe(0);
  }, 60_000);

  it('a learned merge isolates its network from the given size on, and fuses exactly as one that runs it here', async () => {
    const here = await mergeFrames(bracket(), 'learned');
    useComputeWorkers(WORKER, 1);
    const before = computeTasksDone();
    // 80 x 56 = 4480 pixels: under the threshold the network runs here.
    const small = await mergeFrames(bracket(), 'learned', {}, { isolateFrom: 4481 });
    expect(computeTasksDone() - before).toBe(0);
    const apart = await mergeFrames(bracket(), 'learned', {}, { isolateFrom: 4480 });
    expect(computeTasksDone() - before).toBe(1);
    expect(Array.from(apart.fused!.data)).toEqual(Array.from(here.fused!.data));
    expect(Array.from(small.fused!.data)).toEqual(Array.from(here.fused!.data));
  }, 60_000);
});
