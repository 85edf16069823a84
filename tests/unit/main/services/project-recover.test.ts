/** A one-frame project in the app's engine: opened alone, recovered (not merged), exported like a merge. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectService } from '../../../../src-main/services/project-service';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';

const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLES, f));
/** The bracket's darkest frame: two stops under its middle frame. */
const darkest = samples[0];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-recover-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mean = (d: Float32Array): number => d.reduce((a, b) => a + b, 0) / d.length;

describe('ProjectService with one frame', () => {
  it('recovers an under-exposed frame (classical and learned), shows the HDR estimate, exports EXR and JPEG', async () => {
    const service = new ProjectService();
    const loaded = await service.load([darkest]);
    expect(loaded.frames).toHaveLength(1);
    const classical = await service.merge({ projectId: loaded.projectId, method: 'recover-classical', previewMaxSide: 256 });
    expect(classical.mode).toBe('display');
    expect(classical.correctionStops).toBeGreaterThan(0.5);
    const learned = await service.merge({ projectId: loaded.projectId, method: 'recover', previewMaxSide: 256 });
    expect(learned.method).toBe('recover');
    expect(learned.correctionStops).toBeGreaterThan(0.5);
    // Brightened: the recovered preview is well above the frame's own mean.
    const frameMean = mean(decodeImage(new Uint8Array(readFileSync(darkest)), darkest).data);
    expect(mean(learned.preview.data)).toBeGreaterThan(2 * frameMean);
    expect(mean(classical.preview.data)).toBeGreaterThan(2 * frameMean);

    const hdr = await service.merge({ projectId: loaded.projectId, method: 'recover-hdr', previewMaxSide: 256 });
    expect(hdr.mode).toBe('radiance');
    expect(hdr.key).toBeGreaterThan(0);
    const out = join(dir, 'recovered');
    const done = await service.export({ projectId: loaded.projectId, tone: { operator: 'filmic' }, exrPath: `${out}.exr`, jpegPath: `${out}.jpg` });
    expect(done.written).toEqual([`${out}.exr`, `${out}.jpg`]);
    const exr = decodeExr(new Uint8Array(readFileSync(`${out}.exr`)), 'recovered.exr');
    expect([exr.width, exr.height]).toEqual([loaded.frames[0].width, loaded.frames[0].height]);
  }, 60_000);

  it('refuses to merge one frame or to recover a bracket, with a message saying what to do', async () => {
    const service = new ProjectService();
    const one = await service.load([darkest]);
    await expect(service.merge({ projectId: one.projectId, method: 'mertens' })).rejects.toThrow(/single frame cannot be merged: choose Recover/);
    const bracket = await service.load(samples);
    await expect(service.merge({ projectId: bracket.projectId, method: 'recover' })).rejects.toThrow(/Recover works on a single frame/);
  }, 60_000);
});
