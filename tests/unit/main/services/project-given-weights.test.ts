/**
 * A learned merge with the network run elsewhere (the renderer's WebGPU): project:fusion-input
 * returns exactly the input main's own merge computes (alignment and deghosting included), a merge
 * given weights equals learnedFuse with a predictor returning them (no network run in main), equals
 * main's own WASM merge when the weights are main's own, and weights for another input are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FusionWeights, MergeRequest } from '../../../../src-preload/contract';
import { predictFusionWeights, releaseFusionSessions } from '../../../../src-main/services/fusion-model';
import { learnedInput } from '../../../../src-main/services/merge-service';
import { ProjectService } from '../../../../src-main/services/project-service';
import { fusionInputKey, FusionWeightsMismatchError, givenWeightsPredictor } from '../../../../src-shared/fusion/given-weights';
import { learnedFuse } from '../../../../src-shared/fusion/learned-fuse';
import { downsample } from '../../../../src-shared/image/resample';
import { alignBracket } from '../../../../src-shared/pipeline/align-bracket';
import { readBracket } from '../../../../src-main/services/frames';
import { writeBracket } from '../../helpers/bracket-fixture';

let dir: string;
let files: string[];
const service = new ProjectService();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-given-weights-'));
  files = writeBracket(dir, { width: 192, height: 128 });
});
afterAll(async () => {
  await releaseFusionSessions();
  rmSync(dir, { recursive: true, force: true });
});

/** Weights that are not the network's (a fixed ramp over K), so a test can tell who computed them. */
function rampWeights(k: number, h: number, w: number): Float32Array {
  const out = new Float32Array(k * h * w);
  for (let p = 0; p < h * w; p++) {
    const x = (p % w) / (w - 1);
    for (let j = 0; j < k; j++) out[j * h * w + p] = j === 0 ? 1 - x : x / (k - 1);
  }
  return out;
}

describe('learned merge with weights given by the renderer', () => {
  it('fusion-input is the input main computes from the aligned frames, with a key that identifies it', async () => {
    const { projectId } = await service.load(files);
    const request: MergeRequest = { projectId, method: 'learned', align: 'similarity' };
    const got = await service.fusionInput(request);
    const aligned = alignBracket(await readBracket(files), 'similarity').frames;
    const want = learnedInput(aligned);
    expect(got.exposures).toBe(3);
    expect([got.width, got.height, got.paddedWidth, got.paddedHeight]).toEqual([want.width, want.height, want.paddedWidth, want.paddedHeight]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    expect(got.key).toBe(fusionInputKey(want));
    // Another alignment is another input.
    const shifted = await service.fusionInput({ ...request, align: 'off' });
    expect(shifted.key === got.key).toBe(Array.from(shifted.data).every((v, i) => v === got.data[i]));
  });

  it('uses the given weights in place of its own network run: the result is learnedFuse with a predictor returning them', async () => {
    const { projectId } = await service.load(files);
    const request: MergeRequest = { projectId, method: 'learned', align: 'off', previewMaxSide: 192 };
    const input = await service.fusionInput(request);
    const data = rampWeights(input.exposures, input.paddedHeight, input.paddedWidth);
    const weights: FusionWeights = { exposures: input.exposures, paddedWidth: input.paddedWidth, paddedHeight: input.paddedHeight, data, inputKey: input.key };
    const merged = await service.merge({ ...request, fusionWeights: weights });
    expect(merged.network).toBe('renderer');
    const frames = alignBracket(await readBracket(files), 'off').frames;
    const { fused } = await learnedFuse(frames, givenWeightsPredictor(weights));
    const want = downsample(fused, 192);
    expect(merged.preview.width).toBe(want.width);
    expect(Array.from(merged.preview.data)).toEqual(Array.from(want.data));
    // Main's own run differs from the ramp: the weights were really used.
    const own = await service.merge(request);
    expect(own.network).toBe('main');
    let diff = 0;
    for (let i = 0; i < own.preview.data.length; i++) diff = Math.max(diff, Math.abs(own.preview.data[i] - merged.preview.data[i]));
    expect(diff).toBeGreaterThan(0.01);
  });

  it("given main's own network output, the merge equals main's WASM merge exactly", async () => {
    const { projectId } = await service.load(files);
    const request: MergeRequest = { projectId, method: 'learned', align: 'similarity', previewMaxSide: 192 };
    const input = await service.fusionInput(request);
    const data = await predictFusionWeights(input);
    const given = await service.merge({ ...request, fusionWeights: { exposures: input.exposures, paddedWidth: input.paddedWidth, paddedHeight: input.paddedHeight, data, inputKey: input.key } });
    const own = await service.merge(request);
    expect(Array.from(given.preview.data)).toEqual(Array.from(own.preview.data));
  });

  it('refuses weights computed for another input, saying so', async () => {
    const { projectId } = await service.load(files);
    const input = await service.fusionInput({ projectId, method: 'learned', align: 'off' });
    const data = rampWeights(input.exposures, input.paddedHeight, input.paddedWidth);
    const weights: FusionWeights = { exposures: input.exposures, paddedWidth: input.paddedWidth, paddedHeight: input.paddedHeight, data, inputKey: input.key.replace(/:.*/, ':00000000') };
    await expect(service.merge({ projectId, method: 'learned', align: 'off', fusionWeights: weights })).rejects.toThrow(/computed for another network input/);
  });

  it('the predictor checks shape and values as well as the key', async () => {
    const input = learnedInput(alignBracket(await readBracket(files), 'off').frames);
    const { exposures: k, paddedHeight: h, paddedWidth: w } = input;
    const key = fusionInputKey(input);
    const run = (data: Float32Array, dims = { exposures: k, paddedHeight: h, paddedWidth: w }) => givenWeightsPredictor({ ...dims, data, inputKey: key })(input);
    await expect(run(rampWeights(k, h, w))).resolves.toHaveLength(k * h * w);
    const negative = rampWeights(k, h, w);
    negative[5] = -0.5;
    await expect(run(negative)).rejects.toThrow(/weight 5 is -0.5/);
    const nan = rampWeights(k, h, w);
    nan[7] = Number.NaN;
    await expect(run(nan)).rejects.toThrow(/finite/);
    await expect(run(new Float32Array(k * h * w - 1))).rejects.toThrow(/expected 3x/);
    await expect(run(new Float32Array(k * h * w), { exposures: k, paddedHeight: w, paddedWidth: h })).rejects.toThrow(FusionWeightsMismatchError);
  });
});
