/**
 * The progressive merge (issue 8): a preview-stage merge runs the whole pipeline on the frames
 * downsampled to the preview's size and comes out close to the full merge's own preview, with the
 * alignment in full-resolution pixels; whatever needs every pixel (export, a zoomed-in region) gets
 * the full merge even after a preview only; a full merge for an image no longer asked for is
 * abandoned at a stage boundary and leaves the newer merge in place.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SUPERSEDED_MESSAGE, type MergeRequest, type MergeResult, type PreviewImage } from '../../../../src-preload/contract';
import { predictFusionWeights, releaseFusionSessions } from '../../../../src-main/services/fusion-model';
import { MergeSupersededError, ProjectService } from '../../../../src-main/services/project-service';
import { encodePng } from '../../../../src-shared/codecs/png';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
import { photograph, renderScene } from '../../../../scripts/make-sample';
import { FIXTURE_TIMES, writeBracket } from '../../helpers/bracket-fixture';
import * as proxyModule from '../../../../src-shared/align/proxy';
import { alignBracket } from '../../../../src-shared/pipeline/align-bracket';
import { readBracket } from '../../../../src-main/services/frames';

const [W, H] = [1200, 800];
/** A quarter of the frames' size: the preview stage works on 300x200 frames. */
const SIDE = 300;
/** Where each frame of the shifted bracket was cut from the larger render (full-resolution pixels). */
const OFFSETS: [number, number][] = [
  [0, 0],
  [14, 9],
  [27, 17],
];

let dir: string;
let still: string[];
let shifted: string[];

/** The sample scene rendered larger and each frame cut at its offset: a camera that moved between frames. */
function writeShiftedBracket(): string[] {
  const pad = 32;
  const scene = renderScene(W + pad, H + pad);
  return FIXTURE_TIMES.map((time, i) => {
    const rgba = photograph(scene, W + pad, H + pad, time, 70 + i);
    const [ox, oy] = OFFSETS[i];
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const s = ((y + oy) * (W + pad) + x + ox) * 4;
        rgb.set(rgba.subarray(s, s + 3), (y * W + x) * 3);
      }
    }
    const path = join(dir, `moved-${i + 1}.png`);
    writeFileSync(path, encodePng({ width: W, height: H, channels: 3, bits: 8, data: rgb }));
    return path;
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-preview-'));
  still = writeBracket(dir, { width: W, height: H });
  shifted = writeShiftedBracket();
}, 60_000);
afterAll(async () => {
  await releaseFusionSessions();
  rmSync(dir, { recursive: true, force: true });
});

/** Mean absolute difference of two previews in sRGB-encoded 0..1 (display-referred images). */
function meanEncodedDiff(a: PreviewImage, b: PreviewImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d += Math.abs(linearToSrgb(Math.min(1, a.data[i])) - linearToSrgb(Math.min(1, b.data[i])));
  return d / a.data.length;
}

/** Mean absolute log2 ratio of two radiance previews (stops), over samples both have above black. */
function meanStops(a: PreviewImage, b: PreviewImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (!(a.data[i] > 1e-4 && b.data[i] > 1e-4)) continue;
    d += Math.abs(Math.log2(a.data[i] / b.data[i]));
    n++;
  }
  return d / n;
}

/** Mean difference of each method's preview stage from its full merge's preview (measured on this bracket: mertens 0.0205, learned 0.0275 in sRGB 0..1; radiance 0.111 stops). */
const TOLERANCE = { mertens: 0.03, learned: 0.04, radiance: 0.15 };

describe('ProjectService preview-stage merge', () => {
  for (const method of ['mertens', 'radiance', 'learned'] as const) {
    it(`${method}: the preview stage is the full merge's preview within tolerance, and says it is a preview of the full-size image`, async () => {
      const service = new ProjectService();
      const { projectId } = await service.load(still);
      const request: MergeRequest = { projectId, method, align: 'similarity', previewMaxSide: SIDE };
      const preview = await service.merge({ ...request, stage: 'preview' });
      expect(preview.stage).toBe('preview');
      expect([preview.width, preview.height]).toEqual([W, H]);
      expect([preview.preview.width, preview.preview.height]).toEqual([SIDE, 200]);
      const full = await service.merge(request);
      expect(full.stage).toBe('full');
      expect([full.width, full.height]).toEqual([W, H]);
      expect(preview.ev).toEqual(full.ev);
      const diff = method === 'radiance' ? meanStops(preview.preview, full.preview) : meanEncodedDiff(preview.preview, full.preview);
      expect(diff).toBeLessThan(TOLERANCE[method]);
      if (method === 'radiance') expect(Math.abs(Math.log2(preview.key / full.key))).toBeLessThan(TOLERANCE.radiance);
    }, 60_000);
  }

  it('reports the alignment in full-resolution pixels: the shifts the full merge finds, not a quarter of them', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(shifted);
    const request: MergeRequest = { projectId, method: 'mertens', align: 'similarity', previewMaxSide: SIDE };
    const preview = await service.merge({ ...request, stage: 'preview' });
    const full = await service.merge(request);
    const ref = full.alignment.findIndex((a) => a.method === 'reference');
    expect(preview.alignment[ref].method).toBe('reference');
    for (const [i, a] of full.alignment.entries()) {
      // The frames were cut OFFSETS apart: both stages find that shift in full-resolution pixels (the preview
      // within 0.09 px of the full merge's here, at a quarter of the size), not the preview's quarter of it.
      const [dx, dy] = [OFFSETS[ref][0] - OFFSETS[i][0], OFFSETS[ref][1] - OFFSETS[i][1]];
      expect(Math.abs(a.dx - dx)).toBeLessThan(0.1);
      expect(Math.abs(a.dy - dy)).toBeLessThan(0.1);
      expect(Math.abs(preview.alignment[i].dx - dx)).toBeLessThan(0.3);
      expect(Math.abs(preview.alignment[i].dy - dy)).toBeLessThan(0.3);
    }
  }, 60_000);

  it("reads each full-size frame once for the reference and the full merge's alignment, and aligns as the CLI does", async () => {
    const reads = vi.spyOn(proxyModule, 'greyProxy');
    try {
      const service = new ProjectService();
      const { projectId } = await service.load(shifted);
      const request: MergeRequest = { projectId, method: 'mertens', align: 'similarity', previewMaxSide: SIDE };
      await service.merge({ ...request, stage: 'preview' });
      const full = await service.merge(request);
      const fullSize = reads.mock.calls.filter(([frame]) => frame.width === W);
      expect(fullSize).toHaveLength(3);
      reads.mockClear();
      const cli = alignBracket(await readBracket(shifted), 'similarity');
      expect(reads.mock.calls.filter(([frame]) => frame.width === W)).toHaveLength(3);
      expect(full.alignment).toEqual(cli.alignment);
    } finally {
      reads.mockRestore();
    }
  }, 60_000);

  it('gives a bracket that fits the preview size its full merge at once', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(still);
    const result = await service.merge({ projectId, method: 'mertens', previewMaxSide: W, stage: 'preview' });
    expect(result.stage).toBe('full');
    expect([result.preview.width, result.preview.height]).toEqual([W, H]);
  }, 60_000);
});

describe('ProjectService after a preview-only merge', () => {
  it('exports full-size files, the same as after a full merge', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(still);
    const request: MergeRequest = { projectId, method: 'mertens', align: 'similarity', previewMaxSide: SIDE };
    await service.merge({ ...request, stage: 'preview' });
    const out = join(dir, 'after-preview');
    await service.export({ projectId, tone: { operator: 'filmic' }, exrPath: `${out}.exr`, jpegPath: `${out}.jpg` });
    const exr = decodeExr(new Uint8Array(readFileSync(`${out}.exr`)), 'after-preview.exr');
    expect([exr.width, exr.height]).toEqual([W, H]);
    const jpeg = decodeImage(new Uint8Array(readFileSync(`${out}.jpg`)), 'after-preview.jpg');
    expect([jpeg.width, jpeg.height]).toEqual([W, H]);
    // The same request merged in full by another service writes the same JPEG.
    const other = new ProjectService();
    const loaded = await other.load(still);
    await other.merge({ ...request, projectId: loaded.projectId });
    const ref = join(dir, 'after-full');
    await other.export({ projectId: loaded.projectId, tone: { operator: 'filmic' }, jpegPath: `${ref}.jpg` });
    expect(readFileSync(`${out}.jpg`).equals(readFileSync(`${ref}.jpg`))).toBe(true);
  }, 60_000);

  it('serves a zoomed-in region and frames larger than the preview at full resolution', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(still);
    const request: MergeRequest = { projectId, method: 'mertens', align: 'off', previewMaxSide: SIDE };
    const preview = await service.merge({ ...request, stage: 'preview' });
    const region = await service.previewRegion({ projectId, x: 400, y: 300, width: 200, height: 100, maxSide: 4096 });
    expect([region.width, region.height]).toEqual([200, 100]);
    const whole = await service.previewRegion({ projectId, x: 0, y: 0, width: W, height: H, maxSide: SIDE });
    const full = await service.merge(request);
    expect(Array.from(whole.data)).toEqual(Array.from(full.preview.data));
    expect(Array.from(whole.data)).not.toEqual(Array.from(preview.preview.data));
    const frame = await service.framePreview({ projectId, index: 1, maxSide: 600 });
    expect([frame.width, frame.height]).toEqual([600, 400]);
  }, 60_000);

  it("runs a learned preview on the renderer's weights for the preview's input, and exports with main's own network", async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(still);
    const request: MergeRequest = { projectId, method: 'learned', align: 'similarity', previewMaxSide: SIDE, stage: 'preview' };
    const input = await service.fusionInput(request);
    // The network sees the preview's frames (300 px), not the full ones brought down to its working side.
    expect([input.width, input.height]).toEqual([SIDE, 200]);
    const data = await predictFusionWeights(input);
    const fusionWeights = { exposures: input.exposures, paddedWidth: input.paddedWidth, paddedHeight: input.paddedHeight, data, inputKey: input.key };
    const merged = await service.merge({ ...request, fusionWeights });
    expect(merged.stage).toBe('preview');
    expect(merged.network).toBe('renderer');
    const out = join(dir, 'learned-after-preview.jpg');
    await service.export({ projectId, tone: { operator: 'filmic' }, jpegPath: out });
    const jpeg = decodeImage(new Uint8Array(readFileSync(out)), 'learned-after-preview.jpg');
    expect([jpeg.width, jpeg.height]).toEqual([W, H]);
    // The refinement that follows takes the full merge the export made in this generation (its own
    // weights are not even looked at: the preview's would not fit a full-size input).
    const refined = await service.merge({ ...request, stage: 'full', generation: merged.generation, fusionWeights });
    expect([refined.stage, refined.network, refined.width]).toEqual(['full', 'main', W]);
    await expect(service.merge({ ...request, stage: 'full', fusionWeights })).rejects.toThrow(/computed for another network input/);
  }, 60_000);
});

describe('ProjectService with a newer merge asked for', () => {
  it('abandons a full merge at its next stage boundary once another image is asked for; the newer preview stands', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(still);
    const older = service.merge({ projectId, method: 'mertens', align: 'similarity', previewMaxSide: SIDE }).catch((error: unknown) => error);
    const newer = await service.merge({ projectId, method: 'radiance', align: 'similarity', previewMaxSide: SIDE, stage: 'preview' });
    const abandoned = await older;
    expect(abandoned).toBeInstanceOf(MergeSupersededError);
    expect((abandoned as Error).message).toContain(SUPERSEDED_MESSAGE);
    expect(newer.method).toBe('radiance');
    // What is shown is the radiance preview (no weight maps), not the abandoned Mertens merge.
    expect((await service.weightMap({ projectId, index: 0 })).available).toBe(false);
    // The export merges the newer request in full.
    const out = join(dir, 'newer.exr');
    await service.export({ projectId, tone: { operator: 'filmic' }, exrPath: out });
    expect(decodeExr(new Uint8Array(readFileSync(out)), 'newer.exr').width).toBe(W);
  }, 60_000);

  it("drops a refinement that names an older preview's generation at once, leaving the newer preview shown", async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(still);
    const older = await service.merge({ projectId, method: 'mertens', previewMaxSide: SIDE, stage: 'preview' });
    const newer = await service.merge({ projectId, method: 'radiance', previewMaxSide: SIDE, stage: 'preview' });
    expect(newer.generation).toBeGreaterThan(older.generation);
    // The refinement of the older preview arrives late (the renderer sent it before the newer edit).
    await expect(service.merge({ projectId, method: 'mertens', previewMaxSide: SIDE, stage: 'full', generation: older.generation })).rejects.toBeInstanceOf(MergeSupersededError);
    expect((await service.weightMap({ projectId, index: 0 })).available).toBe(false);
    // The newer preview's own refinement goes through, in the same generation.
    const refined = await service.merge({ projectId, method: 'radiance', previewMaxSide: SIDE, stage: 'full', generation: newer.generation });
    expect([refined.stage, refined.generation]).toEqual(['full', newer.generation]);
  }, 60_000);

  it('a superseded full merge does not overwrite the newer full merge, which export and regions use', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(still);
    const older = service.merge({ projectId, method: 'mertens', align: 'off', previewMaxSide: SIDE });
    const newer = service.merge({ projectId, method: 'radiance', align: 'off', previewMaxSide: SIDE });
    const [a, b] = await Promise.allSettled([older, newer]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('fulfilled');
    const result = (b as PromiseFulfilledResult<MergeResult>).value;
    const whole = await service.previewRegion({ projectId, x: 0, y: 0, width: W, height: H, maxSide: SIDE });
    expect(Array.from(whole.data)).toEqual(Array.from(result.preview.data));
    // A request for the image being merged waits for that merge instead of starting another.
    const again = service.merge({ projectId, method: 'mertens', align: 'off', previewMaxSide: SIDE });
    const out = join(dir, 'joined.jpg');
    const [merged] = await Promise.all([again, service.export({ projectId, tone: { operator: 'filmic' }, jpegPath: out })]);
    const whole2 = await service.previewRegion({ projectId, x: 0, y: 0, width: W, height: H, maxSide: SIDE });
    expect(Array.from(whole2.data)).toEqual(Array.from(merged.preview.data));
  }, 60_000);
});
