/**
 * Row kernels split between this thread and a compute worker (parallel-rows.ts) write the samples one thread
 * writes: the radiance merge through a recovered response, and the learned fusion's lift (with its blend on
 * two threads too). Rows a stopped worker claimed are run here; outputs outside shared memory run here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TiffEncodeOptions } from '../../../../src-shared/codecs/tiff-write';
import type { FusionInput } from '../../../../src-shared/fusion/fusion-input';
import { learnedFuse } from '../../../../src-shared/fusion/learned-fuse';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { shareFrameSamples } from '../../../../src-shared/image/samples';
import { mergeRadiance, mergeRadianceRows } from '../../../../src-shared/merge/radiance';
import { recoverResponse, type CameraResponse } from '../../../../src-shared/merge/response';
import { tryCompute, useComputeWorkers } from '../../../../src-main/compute/compute-pool';
import { blendFramesParallel } from '../../../../src-main/compute/parallel-fusion';
import { lastRowSplit, runRowsParallel } from '../../../../src-main/compute/parallel-rows';
import { differing, sharedBracket, STOPPING, WORKER } from './fixtures/two-threads';

const EV = [-2, 0, 2];
const bracket = (w: number, h: number): LinearImage[] => sharedBracket(w, h, { stops: 12, seed: 4 });

/** A stand-in network: weights from each exposure's luma (mid-tones favoured), deterministic. */
const predict = async (input: FusionInput): Promise<Float32Array> => input.data.map((v) => 0.05 + Math.exp(-((v - 0.5) ** 2) / 0.08));

afterEach(() => {
  useComputeWorkers(null);
  shareFrameSamples(false);
});

describe('row kernels on two threads', () => {
  const frames = bracket(900, 700);
  const response = recoverResponse(frames, EV) as CameraResponse;

  it('the radiance merge through a response: the same samples as mergeRadiance, its output in shared memory', async () => {
    expect(response).not.toBeNull();
    useComputeWorkers(WORKER, 1);
    shareFrameSamples(true);
    const merged = await mergeRadianceRows(frames, EV, { response }, runRowsParallel);
    expect(lastRowSplit()).toMatchObject({ kernel: 'responseRows' });
    expect(lastRowSplit()!.reason).toBeUndefined();
    expect(merged.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(differing(merged.data, mergeRadiance(frames, EV, { response }).data)).toBe(0);
  }, 60_000);

  it('runs every row here, saying why: no workers, or an output outside shared memory', async () => {
    await mergeRadianceRows(frames, EV, { response }, runRowsParallel);
    expect(lastRowSplit()).toEqual({ kernel: 'responseRows', workerBands: 0, reason: 'no compute workers' });
    useComputeWorkers(WORKER, 1);
    const merged = await mergeRadianceRows(frames, EV, { response }, runRowsParallel);
    expect(lastRowSplit()).toEqual({ kernel: 'responseRows', workerBands: 0, reason: 'outputs not in shared memory' });
    expect(differing(merged.data, mergeRadiance(frames, EV, { response }).data)).toBe(0);
  }, 60_000);

  it('rows a stopped worker claimed are run here: the merge is whole and the same', async () => {
    useComputeWorkers(STOPPING, 1);
    shareFrameSamples(true);
    // Started and idle before the merge, so that it claims a band as soon as the kernel is posted.
    await tryCompute('encodeTiff', [{} as TiffEncodeOptions]);
    const merged = await mergeRadianceRows(frames, EV, { response }, runRowsParallel);
    expect(lastRowSplit()).toEqual({ kernel: 'responseRows', workerBands: 0, reason: 'the compute worker stopped' });
    expect(differing(merged.data, mergeRadiance(frames, EV, { response }).data)).toBe(0);
  }, 60_000);

  it('the learned fusion with its lift and blend on two threads: the samples of learnedFuse on one', async () => {
    const big = bracket(1280, 840);
    const alone = await learnedFuse(big, predict, { workingSide: 256 });
    useComputeWorkers(WORKER, 1);
    shareFrameSamples(true);
    const split = await learnedFuse(big, predict, { workingSide: 256 }, { pyramidBlend: blendFramesParallel, rows: runRowsParallel });
    expect(lastRowSplit()).toMatchObject({ kernel: 'liftRows' });
    expect(lastRowSplit()!.reason).toBeUndefined();
    expect(split.weights.every((wk) => wk.buffer instanceof SharedArrayBuffer)).toBe(true);
    expect(differing(split.fused.data, alone.fused.data)).toBe(0);
    split.weights.forEach((wk, k) => expect(differing(wk, alone.weights[k])).toBe(0));
  }, 60_000);
});
