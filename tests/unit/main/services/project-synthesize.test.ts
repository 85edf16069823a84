/** A bracket in the app's engine with a synthesised missing exposure: merged with it, exported with it, undone without it. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectService } from '../../../../src-main/services/project-service';
import { validators } from '../../../../src-main/ipc/validate-args';
import { exrHighlight as highlight } from '../../helpers/exr-highlight';

const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
/** The sample bracket without its darkest frame: the window clips in both frames left. */
const [darkest, middle, bright] = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLES, f));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-project-synth-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('ProjectService: synthesised missing exposure', () => {
  it('adds a frame 2 stops under the darkest, whose highlights reach the export, and drops it when not asked', async () => {
    const service = new ProjectService();
    const { projectId, frames } = await service.load([middle, bright]);
    const plain = await service.merge({ projectId, method: 'radiance', align: 'off', previewMaxSide: 128 });
    expect(plain.ev).toHaveLength(2);
    expect(plain.synthetic).toBeUndefined();
    await service.export({ projectId, tone: { operator: 'filmic' }, exrPath: join(dir, 'plain.exr') });

    const synth = await service.merge({ projectId, method: 'radiance', align: 'off', synthesize: 'dark', previewMaxSide: 128 });
    expect(synth.ev).toHaveLength(3);
    expect(synth.synthetic?.source).toBe(0);
    expect(synth.synthetic?.name).toContain(frames[0].name);
    // Its exposure comes out about 2 stops under the frame it was made from.
    expect(synth.ev[0] - synth.ev[2]).toBeGreaterThan(1.5);
    expect(synth.ev[0] - synth.ev[2]).toBeLessThan(2.5);
    await service.export({ projectId, tone: { operator: 'filmic' }, exrPath: join(dir, 'synth.exr') });
    // The clipped window gets estimated content above what the two real frames could record.
    expect(highlight(join(dir, 'synth.exr'))).toBeGreaterThan(1.2 * highlight(join(dir, 'plain.exr')));

    const brighter = await service.merge({ projectId, method: 'mertens', align: 'off', synthesize: 'bright', previewMaxSide: 128 });
    expect(brighter.synthetic?.source).toBe(1);
    // A fusion's exposures are relative too, to the median frame (they were scene exposures, log2 of t x ISO/100 / N^2).
    const fused = await service.merge({ projectId, method: 'mertens', align: 'off', previewMaxSide: 128 });
    const radiance = await service.merge({ projectId, method: 'radiance', align: 'off', previewMaxSide: 128 });
    expect(fused.ev[0]).toBe(0);
    fused.ev.forEach((ev, i) => expect(ev).toBeCloseTo(radiance.ev[i] - radiance.ev[0], 1));
    const again = await service.merge({ projectId, method: 'radiance', align: 'off', previewMaxSide: 128 });
    expect(again.ev).toHaveLength(2);
  }, 120_000);

  it('refuses a synthetic frame for a one-frame project, and a side that does not exist at the IPC boundary', async () => {
    const service = new ProjectService();
    const one = await service.load([darkest]);
    await expect(service.merge({ projectId: one.projectId, method: 'recover', synthesize: 'dark' })).rejects.toThrow(/synthesised for a bracket/);
    expect(() => validators['project:merge']([{ projectId: one.projectId, method: 'mertens', synthesize: 'sideways' }])).toThrow(/synthesize must be one of dark, bright/);
    expect(validators['project:merge']([{ projectId: one.projectId, method: 'mertens', synthesize: 'bright' }])[0].synthesize).toBe('bright');
  }, 60_000);
});
