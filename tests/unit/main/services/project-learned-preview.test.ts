/**
 * The learned method's progressive merge: a preview-stage merge runs the network at the preview's
 * working side (PREVIEW_WORKING_SIDE) and stays within a stated tolerance of the full merge's own
 * preview; the full merge is what it was (the default working side, whatever previews came first);
 * and an edit that leaves the network's input as it was (the same image again, exposure times, a
 * method switched back) reuses the network's output instead of running it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MergeRequest, PreviewImage } from '../../../../src-preload/contract';
import { predictFusionWeights, predictFusionWeightsKept, releaseFusionSessions } from '../../../../src-main/services/fusion-model';
import { ProjectService } from '../../../../src-main/services/project-service';
import { readBracket } from '../../../../src-main/services/frames';
import { learnedFuse } from '../../../../src-shared/fusion/learned-fuse';
import { PREVIEW_WORKING_SIDE } from '../../../../src-shared/fusion/meta';
import { downsample } from '../../../../src-shared/image/resample';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
import { alignBracket } from '../../../../src-shared/pipeline/align-bracket';
import { writeBracket } from '../../helpers/bracket-fixture';

// Every network run main makes, counted: the real run behind a spy. The engine runs it through
// predictFusionWeightsKept (on this thread here: no compute workers).
vi.mock('../../../../src-main/services/fusion-model', async (original) => {
  const real = await original<typeof import('../../../../src-main/services/fusion-model')>();
  return { ...real, predictFusionWeightsKept: vi.fn(real.predictFusionWeightsKept) };
});
const networkRuns = vi.mocked(predictFusionWeightsKept);

const [W, H] = [1200, 800];
/** Preview frames of 1000x667: larger than the preview's working side, as the app's 1280 px previews are. */
const SIDE = 1000;

let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-learned-preview-'));
  files = writeBracket(dir, { width: W, height: H });
}, 60_000);
afterAll(async () => {
  await releaseFusionSessions();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  networkRuns.mockClear();
});

function meanEncodedDiff(a: PreviewImage, b: PreviewImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d += Math.abs(linearToSrgb(Math.min(1, a.data[i])) - linearToSrgb(Math.min(1, b.data[i])));
  return d / a.data.length;
}

/**
 * The preview against the full merge's preview, mean |difference| sRGB-encoded 0..1. Measured on this
 * bracket with the network at 640 px: 0.0165 (at 512 0.0187, 768 0.0144, the preview frames' own
 * 1000 px 0.0131; project-preview.test.ts's 300 px previews: Mertens 0.0205, learned 0.0275).
 */
const TOLERANCE = 0.02;

describe('learned preview stage', () => {
  it("runs the network at the preview's working side, within tolerance of the full merge's preview; the full merge is unchanged", async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    const request: MergeRequest = { projectId, method: 'learned', align: 'similarity', previewMaxSide: SIDE };
    // The renderer asks for the same input main's preview merge feeds the network.
    const input = await service.fusionInput({ ...request, stage: 'preview' });
    expect([input.width, input.height]).toEqual([PREVIEW_WORKING_SIDE, 427]);
    const preview = await service.merge({ ...request, stage: 'preview' });
    expect(preview.stage).toBe('preview');
    expect([preview.preview.width, preview.preview.height]).toEqual([SIDE, 667]);
    expect(networkRuns).toHaveBeenCalledTimes(1);
    expect(networkRuns.mock.calls[0][0].width).toBe(PREVIEW_WORKING_SIDE);
    const full = await service.merge({ ...request, stage: 'full' });
    expect(networkRuns).toHaveBeenCalledTimes(2);
    expect(networkRuns.mock.calls[1][0].width).toBe(1024);
    expect(meanEncodedDiff(preview.preview, full.preview)).toBeLessThan(TOLERANCE);
    // The full merge is the CLI's learned fusion of the aligned frames (default working side), bit for bit.
    const { fused } = await learnedFuse(alignBracket(await readBracket(files), 'similarity').frames, (i) => predictFusionWeights(i));
    expect(Array.from(full.preview.data)).toEqual(Array.from(downsample(fused, SIDE).data));
  }, 120_000);

  it("takes the renderer's weights for the preview's input: the same preview as main's own run, which they do not replace", async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    const request: MergeRequest = { projectId, method: 'learned', align: 'similarity', previewMaxSide: SIDE, stage: 'preview' };
    const input = await service.fusionInput(request);
    const data = await predictFusionWeights(input);
    const given = await service.merge({ ...request, fusionWeights: { exposures: input.exposures, paddedWidth: input.paddedWidth, paddedHeight: input.paddedHeight, data, inputKey: input.key } });
    expect(given.network).toBe('renderer');
    networkRuns.mockClear();
    // Weights from elsewhere serve their own merge only: main's next merge of this input runs its network.
    const own = await service.merge(request);
    expect([own.network, networkRuns.mock.calls.length]).toEqual(['main', 1]);
    expect(Array.from(given.preview.data)).toEqual(Array.from(own.preview.data));
  }, 120_000);
});

describe('learned merges reuse the network output of an equal input', () => {
  it('the same image again, an exposure-times edit and a method switched back run no network; a synthesised frame does', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    const request: MergeRequest = { projectId, method: 'learned', align: 'similarity', previewMaxSide: SIDE, stage: 'preview' };
    const first = await service.merge(request);
    expect(networkRuns).toHaveBeenCalledTimes(1);
    const again = await service.merge(request);
    expect(Array.from(again.preview.data)).toEqual(Array.from(first.preview.data));
    // Exposure times only matter to a radiance map: the learned fusion's input is the same.
    await service.merge({ ...request, exposureTimes: [1 / 200, 1 / 50, 1 / 12.5] });
    await service.merge({ ...request, method: 'mertens' });
    const back = await service.merge(request);
    expect(Array.from(back.preview.data)).toEqual(Array.from(first.preview.data));
    expect(networkRuns).toHaveBeenCalledTimes(1);
    // A fourth (synthesised) frame is another input: the network runs.
    await service.merge({ ...request, synthesize: 'bright' });
    expect(networkRuns).toHaveBeenCalledTimes(2);
    // The full stage keeps its own: its first merge runs the network at its side, the next of the same input does not.
    const full = await service.merge({ ...request, stage: 'full' });
    await service.merge({ ...request, stage: 'full', method: 'mertens' });
    const fullBack = await service.merge({ ...request, stage: 'full' });
    expect(networkRuns).toHaveBeenCalledTimes(3);
    expect(Array.from(fullBack.preview.data)).toEqual(Array.from(full.preview.data));
  }, 120_000);
});
