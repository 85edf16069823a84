/**
 * Mertens fusion split by row bands between this thread and a compute worker gives the samples one thread
 * gives, runs on one thread where it cannot share (saying why), and is run again here when the worker stops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TiffEncodeOptions } from '../../../../src-shared/codecs/tiff-write';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { sharedSamples } from '../../../../src-shared/image/samples';
import { blendFrames } from '../../../../src-shared/fusion/blend';
import { gaussianPyramid } from '../../../../src-shared/merge/pyramid';
import { coarseResult, mertensBandRows, mertensFuseWeighted, mertensPlanes, mertensSetup } from '../../../../src-shared/merge/mertens';
import { tryCompute, useComputeWorkers } from '../../../../src-main/compute/compute-pool';
import { bandCount, type FusionBandJob } from '../../../../src-main/compute/fusion-bands';
import { blendFramesParallel, lastFusionSplit, mertensFuseParallel } from '../../../../src-main/compute/parallel-fusion';
import { differing, sharedBracket, STOPPING, WORKER } from './fixtures/two-threads';

/** Three exposures of a synthetic scene, their samples in shared memory when asked. */
const bracket = (w: number, h: number, shared: boolean): LinearImage[] => sharedBracket(w, h, { stops: 10, seed: 3 }, shared);

function expectSerialResult(frames: LinearImage[], fused: Float32Array, weights: Float32Array[]): void {
  const serial = mertensFuseWeighted(frames);
  expect(differing(fused, serial.fused.data)).toBe(0);
  weights.forEach((wk, k) => expect(differing(wk, serial.weights[k])).toBe(0));
}

afterEach(() => useComputeWorkers(null));

describe('Mertens fusion on two threads', () => {
  it('a worker running every band of every stage writes the samples one thread writes', async () => {
    useComputeWorkers(WORKER, 1);
    const frames = bracket(640, 480, true);
    const { width: w, height: h } = frames[0];
    const { params, levels } = mertensSetup(frames);
    const planes = mertensPlanes(frames.length, w, h, levels, sharedSamples);
    const rows = mertensBandRows(h);
    const count = bandCount(h, rows);
    const state = new Uint8Array(new SharedArrayBuffer(count));
    const job = (stage: FusionBandJob['stage']): FusionBandJob => ({ stage, frames, params, planes, rows, state, claim: new Int32Array(new SharedArrayBuffer(4)) });
    // This thread runs no band: everything below is the worker's, through shared memory.
    expect(await tryCompute('fusionBands', [job('weigh')])).toBe(count);
    const r1 = coarseResult(planes.weights, planes.g1, w, h, levels, undefined, sharedSamples);
    expect(await tryCompute('fusionBands', [job('subtract')])).toBe(count);
    expect(await tryCompute('fusionBands', [{ ...job('finish'), coarse: r1 }])).toBe(count);
    expectSerialResult(frames, planes.blend, planes.weights);
  }, 60_000);

  it('splits a bracket in shared memory with one worker, or two: the same samples, reported as parallel', async () => {
    const frames = bracket(1280, 840, true);
    for (const workers of [1, 2]) {
      useComputeWorkers(WORKER, workers);
      const { fused, weights } = await mertensFuseParallel(frames);
      const split = lastFusionSplit();
      expect(split.parallel).toBe(true);
      expect(split.workerBands).toHaveLength(3);
      expectSerialResult(frames, fused.data, weights);
    }
  }, 90_000);

  it('runs on this thread, saying why: no workers, frames outside shared memory, small frames', async () => {
    const shared = bracket(1280, 840, true);
    let out = await mertensFuseParallel(shared);
    expect(lastFusionSplit()).toEqual({ parallel: false, reason: 'no compute workers' });
    expectSerialResult(shared, out.fused.data, out.weights);
    useComputeWorkers(WORKER, 1);
    const ordinary = bracket(1280, 840, false);
    out = await mertensFuseParallel(ordinary);
    expect(lastFusionSplit()).toEqual({ parallel: false, reason: 'frames not in shared memory' });
    expectSerialResult(ordinary, out.fused.data, out.weights);
    await mertensFuseParallel(bracket(600, 400, true));
    expect(lastFusionSplit()).toEqual({ parallel: false, reason: 'small frames' });
  }, 60_000);

  it('a worker that stops with a band claimed and not done: the fusion runs again on this thread, the same samples', async () => {
    useComputeWorkers(STOPPING, 1);
    // Started and idle before the fusion, so that it claims a band as soon as the first stage is posted.
    await tryCompute('encodeTiff', [{} as TiffEncodeOptions]);
    const frames = bracket(1600, 1200, true);
    const { fused, weights } = await mertensFuseParallel(frames);
    expect(lastFusionSplit()).toEqual({ parallel: false, reason: 'the compute worker stopped' });
    expectSerialResult(frames, fused.data, weights);
  }, 60_000);

  it('blends given weights, with coarse weights from level 3, as blendFrames does: the same samples', async () => {
    useComputeWorkers(WORKER, 1);
    const frames = bracket(1280, 840, true);
    const { width: w, height: h } = frames[0];
    // Weights that are not Mertens': a smooth ramp between the frames, renormalised.
    const weights = frames.map(() => sharedSamples(w * h));
    for (let p = 0; p < w * h; p++) {
      const t = (p % w) / w;
      const raw = [1 - t, 0.3 + 0.2 * Math.sin(p / 997), t * t];
      const sum = raw[0] + raw[1] + raw[2];
      raw.forEach((v, k) => (weights[k][p] = v / sum));
    }
    const coarse = { level: 3, weights: weights.map((data) => gaussianPyramid({ width: w, height: h, channels: 1, data }, 4)[3]) };
    const fused = await blendFramesParallel(frames, weights, coarse);
    expect(lastFusionSplit().parallel).toBe(true);
    expect(differing(fused.data, blendFrames(frames, weights, 'pyramid', coarse).data)).toBe(0);
    // Weights in ordinary memory: this thread alone, the same samples.
    const plain = weights.map((wk) => Float32Array.from(wk));
    const alone = await blendFramesParallel(frames, plain);
    expect(lastFusionSplit()).toEqual({ parallel: false, reason: 'weights not in shared memory' });
    expect(differing(alone.data, blendFrames(frames, plain, 'pyramid').data)).toBe(0);
  }, 60_000);
});

