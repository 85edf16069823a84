/** The viewer's before image and frame view: a frame as shot at the preview's size, aligned onto the merge once there is one. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectService } from '../../../../src-main/services/project-service';

const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLES, f));

const mean = (d: Uint8ClampedArray): number => {
  let s = 0;
  for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
  return s / ((d.length / 4) * 3);
};

describe('ProjectService.framePreview', () => {
  it('gives each frame as shot at the merge preview size, darker frames darker, and refuses a frame that is not there', async () => {
    const service = new ProjectService();
    const { projectId, frames } = await service.load(samples);
    const merged = await service.merge({ projectId, method: 'mertens', previewMaxSide: 320 });
    const shots = await Promise.all(frames.map((_, index) => service.framePreview({ projectId, index, maxSide: 320 })));
    for (const shot of shots) {
      // Same grid as the merge's preview: the before/after split lines up pixel for pixel.
      expect([shot.width, shot.height]).toEqual([merged.preview.width, merged.preview.height]);
      expect(shot.data).toBeInstanceOf(Uint8ClampedArray);
      expect(shot.data.length).toBe(shot.width * shot.height * 4);
    }
    // The samples are sorted darkest first: the means rise with the exposure.
    const means = shots.map((s) => mean(s.data));
    expect(means[0]).toBeLessThan(means[1]);
    expect(means[1]).toBeLessThan(means[2]);
    await expect(service.framePreview({ projectId, index: 3, maxSide: 320 })).rejects.toThrow(/frame 3 is not one of the 3 frames/);
  });

  it('gives a one-frame project its photo as shot, the recovered preview size', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load([samples[1]]);
    const recovered = await service.merge({ projectId, method: 'recover-classical', previewMaxSide: 256 });
    const shot = await service.framePreview({ projectId, index: 0, maxSide: 256 });
    expect([shot.width, shot.height]).toEqual([recovered.preview.width, recovered.preview.height]);
  });
});

describe('ProjectService.previewRegion', () => {
  it('crops the merged image at full resolution; the whole image downsampled is the preview', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(samples);
    await expect(service.previewRegion({ projectId, x: 0, y: 0, width: 8, height: 8, maxSide: 64 })).rejects.toThrow(/merge the bracket/);
    const merged = await service.merge({ projectId, method: 'mertens', previewMaxSide: 300 });
    const whole = await service.previewRegion({ projectId, x: 0, y: 0, width: merged.width, height: merged.height, maxSide: 300 });
    expect([whole.width, whole.height]).toEqual([merged.preview.width, merged.preview.height]);
    expect(whole.data).toEqual(merged.preview.data);
    // A 100x50 crop at full resolution is the same pixels as the same crop of the full-size preview.
    const full = await service.merge({ projectId, method: 'mertens', previewMaxSide: Math.max(merged.width, merged.height) });
    const crop = await service.previewRegion({ projectId, x: 300, y: 100, width: 100, height: 50, maxSide: 4096 });
    expect([crop.width, crop.height]).toEqual([100, 50]);
    for (const [cx, cy] of [[0, 0], [99, 49], [37, 21]]) {
      const a = (cy * 100 + cx) * 3;
      const b = ((100 + cy) * full.preview.width + 300 + cx) * 3;
      expect(Array.from(crop.data.subarray(a, a + 3))).toEqual(Array.from(full.preview.data.subarray(b, b + 3)));
    }
    await expect(service.previewRegion({ projectId, x: merged.width - 10, y: 0, width: 20, height: 10, maxSide: 64 })).rejects.toThrow(/not inside/);
  });
});
