/**
 * The weights overlay's engine side: each frame's weight map of the current merge at the preview's
 * size, the very weights the merge blended with (kept from it, not recomputed), a partition of unity
 * over the frames for Mertens and the learned fusion; a bracket without one of its frames gives the
 * others other maps; a frame that is not in the merge, a radiance merge and a recovered photo get
 * clear answers.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WeightMap } from '../../../../src-preload/contract';
import { validators } from '../../../../src-main/ipc/validate-args';
import { fuseLearned } from '../../../../src-main/services/fusion-model';
import { readBracket } from '../../../../src-main/services/frames';
import { ProjectService } from '../../../../src-main/services/project-service';
import { downsample } from '../../../../src-shared/image/resample';
import { mertensFuseWeighted } from '../../../../src-shared/merge/mertens';

const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLES, f));
const SIDE = 240;

type Available = Extract<WeightMap, { available: true }>;

function available(map: WeightMap): Available {
  if (!map.available) throw new Error(`expected a weight map, got: ${map.reason}`);
  return map;
}

/** Largest distance from 1 of the per-pixel sum of the maps (0..255 levels read as 0..1). */
function worstSum(maps: Available[]): number {
  let worst = 0;
  for (let p = 0; p < maps[0].data.length; p++) {
    let s = 0;
    for (const m of maps) s += m.data[p] / 255;
    worst = Math.max(worst, Math.abs(s - 1));
  }
  return worst;
}

/** Mean absolute difference of two maps, in 0..1 units. */
function meanDiff(a: Available, b: Available): number {
  let d = 0;
  for (let p = 0; p < a.data.length; p++) d += Math.abs(a.data[p] - b.data[p]);
  return d / a.data.length / 255;
}

/** Largest level difference between a kept map and full-resolution weights downsampled as the preview is. */
function worstAgainst(map: Available, weights: Float32Array, width: number, height: number): number {
  const small = downsample({ width, height, channels: 1, data: weights, ev: null, meta: {} }, SIDE);
  expect([small.width, small.height]).toEqual([map.width, map.height]);
  let worst = 0;
  for (let p = 0; p < map.data.length; p++) worst = Math.max(worst, Math.abs(map.data[p] - 255 * small.data[p]));
  return worst;
}

describe('ProjectService.weightMap', () => {
  for (const method of ['mertens', 'learned'] as const) {
    it(`${method}: one map per frame at the preview's size, summing to 1 at every pixel, the merge's own weights`, async () => {
      const service = new ProjectService();
      const { projectId } = await service.load(samples);
      const merged = await service.merge({ projectId, method, align: 'off', previewMaxSide: SIDE });
      const maps = (await Promise.all(samples.map((_, index) => service.weightMap({ projectId, index })))).map(available);
      for (const [i, m] of maps.entries()) {
        expect(m.index).toBe(i);
        expect([m.width, m.height]).toEqual([merged.preview.width, merged.preview.height]);
        expect(m.data).toBeInstanceOf(Uint8Array);
        expect(m.data.length).toBe(m.width * m.height);
      }
      // 8-bit levels: each map is off by at most half a level.
      expect(worstSum(maps)).toBeLessThanOrEqual(samples.length * (0.5 / 255) + 1e-6);
      expect(maps.reduce((s, m) => s + m.share, 0)).toBeCloseTo(1, 2);
      // The frames weigh differently: the maps are not one map three times.
      expect(meanDiff(maps[0], maps[2])).toBeGreaterThan(0.05);
      // They are the weights the method blends with: the same fusion run outside the project agrees within a level.
      const frames = await readBracket(samples);
      const { width, height } = frames[0];
      const own = method === 'mertens' ? mertensFuseWeighted(frames).weights : (await fuseLearned(frames)).weights;
      maps.forEach((m, k) => expect(worstAgainst(m, own[k], width, height)).toBeLessThanOrEqual(1));
    }, 120_000);
  }

  it('a bracket without one of its frames gives the frames left other maps, and none for the frame left out', async () => {
    const service = new ProjectService();
    const all = await service.load(samples);
    await service.merge({ projectId: all.projectId, method: 'mertens', previewMaxSide: SIDE });
    const withAll = available(await service.weightMap({ projectId: all.projectId, index: 1 }));
    // The brightest frame excluded: the bracket is opened again with the two frames kept, as the app does.
    const kept = await service.load(samples.slice(0, 2));
    await service.merge({ projectId: kept.projectId, method: 'mertens', previewMaxSide: SIDE });
    const without = [0, 1].map((index) => service.weightMap({ projectId: kept.projectId, index }));
    const maps = (await Promise.all(without)).map(available);
    expect(worstSum(maps)).toBeLessThanOrEqual(2 * (0.5 / 255) + 1e-6);
    // The middle frame takes over what the brightest frame gave: its weights rise.
    expect(meanDiff(maps[1], withAll)).toBeGreaterThan(0.05);
    expect(maps[1].share).toBeGreaterThan(withAll.share + 0.05);
    await expect(service.weightMap({ projectId: kept.projectId, index: 2 })).rejects.toThrow(/frame 2 is not one of the 2 frames of the merge/);
  }, 120_000);

  it('says clearly what it cannot give: before a merge, a frame that is not there, a radiance merge, a recovered photo', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(samples);
    await expect(service.weightMap({ projectId, index: 0 })).rejects.toThrow(/merge the bracket before asking for its weight maps/);
    await service.merge({ projectId, method: 'mertens', previewMaxSide: 128 });
    await expect(service.weightMap({ projectId, index: 3 })).rejects.toThrow(/frame 3 is not one of the 3 frames of the merge/);
    await expect(service.weightMap({ projectId, index: -1 })).rejects.toThrow(RangeError);
    await expect(service.weightMap({ projectId: 'nope', index: 0 })).rejects.toThrow(/not loaded/);

    await service.merge({ projectId, method: 'radiance', previewMaxSide: 128 });
    const radiance = await service.weightMap({ projectId, index: 0 });
    expect(radiance).toMatchObject({ available: false, index: 0 });
    expect(!radiance.available && radiance.reason).toMatch(/radiance merge has no weight maps/);

    const single = await service.load([samples[1]]);
    await service.merge({ projectId: single.projectId, method: 'recover-classical', previewMaxSide: 128 });
    const recovered = await service.weightMap({ projectId: single.projectId, index: 0 });
    expect(!recovered.available && recovered.reason).toMatch(/not a blend of frames/);
  }, 120_000);

  it('a synthesised frame has a map of its own, after the loaded ones', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(samples.slice(1));
    const merged = await service.merge({ projectId, method: 'mertens', align: 'off', synthesize: 'dark', previewMaxSide: 128 });
    expect(merged.synthetic?.source).toBe(0);
    const maps = (await Promise.all([0, 1, 2].map((index) => service.weightMap({ projectId, index })))).map(available);
    expect(worstSum(maps)).toBeLessThanOrEqual(3 * (0.5 / 255) + 1e-6);
    expect(maps[2].share).toBeGreaterThan(0);
  }, 120_000);

  it('checks the IPC arguments: an object with a project id and a whole frame index', () => {
    const check = (req: unknown) => validators['project:weight-map']([req]);
    expect(check({ projectId: 'p', index: 2, junk: 1 })).toEqual([{ projectId: 'p', index: 2 }]);
    expect(() => check({ projectId: 'p', index: 1.5 })).toThrow(/index must be a frame index 0\.\.64/);
    expect(() => check({ projectId: 'p', index: -1 })).toThrow(/index must be a frame index/);
    expect(() => check({ projectId: 'p', index: 65 })).toThrow(/index must be a frame index/);
    expect(() => check({ projectId: '../x', index: 0 })).toThrow(/projectId/);
    expect(() => check('p')).toThrow(/request must be an object/);
    expect(() => validators['project:weight-map']([])).toThrow(/expected 1 argument/);
  });
});
