/**
 * Deghosting in the app's engine, on a bracket with moving objects made here (exact truth): the mask
 * finds them, brush strokes remove and add mask, a higher threshold masks less, detections are kept
 * between merges, the export is deghosted like the preview, and what cannot go together is refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GhostOverlay, GhostStroke } from '../../../../src-preload/contract';
import { ProjectService } from '../../../../src-main/services/project-service';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { encodePng } from '../../../../src-shared/codecs/png';
import { bracketAroundMedian, renderDynamicBracket, type DynamicBracket } from '../../../../src-shared/ghost/dynamic-bracket';
import { radianceField } from '../../shared/merge/synthetic-bracket';

const W = 240;
const H = 160;
let dir: string;
let files: string[];
let bracket: DynamicBracket;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-project-ghost-'));
  const radiance = radianceField(W, H, 8, 21);
  bracket = renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 3, 2), seed: 21, objects: 2, objectSize: [0.1, 0.16] });
  files = bracket.codes.map((codes, i) => {
    const path = join(dir, `walk-${i + 1}.png`);
    writeFileSync(path, encodePng({ width: W, height: H, channels: 3, bits: 8, data: codes }));
    return path;
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pixels of the overlay mask (preview = full size here) inside a box, and the box's size. */
function maskIn(g: GhostOverlay, x0: number, y0: number, x1: number, y1: number): { on: number; all: number } {
  let on = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) on += g.mask[y * g.width + x];
  return { on, all: (x1 - x0) * (y1 - y0) };
}

/** Bounding box of a mask's set pixels. */
function bounds(mask: Uint8Array): [number, number, number, number] {
  let [x0, y0, x1, y1] = [W, H, 0, 0];
  mask.forEach((v, p) => {
    if (!v) return;
    const x = p % W;
    const y = (p / W) | 0;
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
  });
  return [x0, y0, x1, y1];
}

const merge = (service: ProjectService, projectId: string, deghost?: { reference?: number; threshold?: number; strokes?: GhostStroke[] }) =>
  service.merge({ projectId, method: 'mertens', align: 'off', previewMaxSide: 1280, ...(deghost ? { deghost } : {}) });

/** Every frame of the bracket as the frame view shows it (the frames as loaded, with align 'off'). */
const shots = (service: ProjectService, projectId: string) => Promise.all([0, 1, 2].map((index) => service.framePreview({ projectId, index, maxSide: 1280 })));

describe('ProjectService: deghosting', () => {
  it('finds the moving objects, and a remove stroke over them clears the mask there while an add stroke on a static area sets it', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    const plain = await merge(service, projectId);
    expect(plain.ghost).toBeUndefined();

    const on = await merge(service, projectId, { reference: bracket.reference });
    const g = on.ghost!;
    expect([g.width, g.height, g.reference]).toEqual([on.preview.width, on.preview.height, bracket.reference]);
    expect(g.mask).toHaveLength(W * H);
    expect(g.uncertainty).toHaveLength(W * H);
    expect(g.area).toBeGreaterThan(0.01);
    // Mostly where things moved, and uncertain (above the threshold's 128) there.
    let hits = 0;
    let inside = 0;
    let unsure = 0;
    g.mask.forEach((v, p) => {
      hits += v * bracket.union[p];
      inside += v;
      unsure += v * (g.uncertainty[p] >= 128 ? 1 : 0);
    });
    expect(hits / inside).toBeGreaterThan(0.7);
    expect(unsure / inside).toBeGreaterThan(0.5);
    // The preview changed where the mask is: the moving object's copies are gone.
    expect(on.preview.data).not.toEqual(plain.preview.data);

    // A remove stroke across the whole detected region (a dab in its middle with a radius covering it).
    const [x0, y0, x1, y1] = bounds(g.mask);
    const centre: [number, number] = [(x0 + x1) / 2 / W, (y0 + y1) / 2 / H];
    const radius = Math.hypot(x1 - x0, y1 - y0) / 2 / W + 0.01;
    const removed = (await merge(service, projectId, { reference: bracket.reference, strokes: [{ mode: 'remove', radius, points: [centre] }] })).ghost!;
    expect(maskIn(removed, x0, y0, x1, y1).on).toBe(0);
    expect(removed.area).toBeLessThan(g.area);
    // The stroke costs no detection: the one of the merge before is kept.
    expect(removed.detectMillis).toBe(0);
    // The shipped judge network found them (the classical detector only stands in without its model file).
    expect([g.detector, removed.detector]).toEqual(['judge', 'judge']);

    // An add stroke on a static corner the detector left alone: now masked there, and only there.
    const corner = bracket.union.subarray(0, 30).includes(1) ? [W - 20, H - 20] : [20, 20];
    expect(maskIn(g, corner[0] - 8, corner[1] - 8, corner[0] + 8, corner[1] + 8).on).toBe(0);
    const line: GhostStroke = { mode: 'add', radius: 10 / W, points: [[(corner[0] - 5) / W, corner[1] / H], [(corner[0] + 5) / W, corner[1] / H]] };
    const added = (await merge(service, projectId, { reference: bracket.reference, strokes: [line] })).ghost!;
    const box = maskIn(added, corner[0] - 5, corner[1] - 6, corner[0] + 5, corner[1] + 6);
    expect(box.on).toBe(box.all);
    expect(added.area).toBeGreaterThan(g.area);
    expect(added.area - g.area).toBeLessThan(0.02);

    // Later strokes win: the same add, then a remove over it, leaves the corner unmasked.
    const both = (await merge(service, projectId, { reference: bracket.reference, strokes: [line, { ...line, mode: 'remove', radius: 14 / W }] })).ghost!;
    expect(maskIn(both, corner[0] - 5, corner[1] - 6, corner[0] + 5, corner[1] + 6).on).toBe(0);
  }, 180_000);

  it('masks less at a higher threshold, keeps each detection, and defaults to the suggested reference', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    const low = (await merge(service, projectId, { reference: 1, threshold: 1 })).ghost!;
    expect(low.detectMillis).toBeGreaterThan(0);
    const high = (await merge(service, projectId, { reference: 1, threshold: 3.5 })).ghost!;
    expect(high.area).toBeLessThan(low.area);
    expect(high.mask.reduce((a, v) => a + v, 0)).toBeLessThan(low.mask.reduce((a, v) => a + v, 0));
    // Back to the first threshold (an undo): the same mask, without detecting again.
    const again = (await merge(service, projectId, { reference: 1, threshold: 1 })).ghost!;
    expect(again.detectMillis).toBe(0);
    expect(again.mask).toEqual(low.mask);
    const other = (await merge(service, projectId, { reference: 0 })).ghost!;
    expect(other.reference).toBe(0);
    const suggested = (await merge(service, projectId, {})).ghost!;
    expect(suggested.reference).toBeGreaterThanOrEqual(0);
    expect(suggested.reference).toBeLessThan(3);
  }, 180_000);

  it('exports the deghosted merge: the EXR is nearer the motion-free scene where things moved, and the sources are untouched', async () => {
    const before = files.map((f) => readFileSync(f));
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    const exr = async (name: string, deghost?: { reference: number }) => {
      await merge(service, projectId, deghost);
      const path = join(dir, name);
      await service.export({ projectId, tone: { operator: 'filmic' }, exrPath: path, jpegPath: path.replace('.exr', '.jpg') });
      return decodeExr(new Uint8Array(readFileSync(path)), path);
    };
    const truth = bracket.staticRadiance.data;
    /** Mean absolute log error against the static scene inside the moving area, after one scale fitted on the static area. */
    const error = (img: { data: Float32Array; channels: number }): number => {
      const logs: number[] = [];
      for (let p = 0; p < W * H; p++) if (!bracket.union[p]) logs.push(Math.log((img.data[p * img.channels + 1] + 1e-4) / (truth[p * 3 + 1] + 1e-4)));
      logs.sort((a, b) => a - b);
      const scale = logs[logs.length >> 1];
      let sum = 0;
      let n = 0;
      for (let p = 0; p < W * H; p++) {
        if (!bracket.union[p]) continue;
        sum += Math.abs(Math.log((img.data[p * img.channels + 1] + 1e-4) / (truth[p * 3 + 1] + 1e-4)) - scale);
        n++;
      }
      return sum / n;
    };
    const plain = error(await exr('plain.exr'));
    const deghosted = error(await exr('deghosted.exr', { reference: bracket.reference }));
    expect(deghosted).toBeLessThan(0.6 * plain);
    files.forEach((f, i) => expect(readFileSync(f).equals(before[i])).toBe(true));
  }, 180_000);

  it('deghosts a large bracket in place and puts the frames back: the merge and export of copies, and a frame view asked meanwhile waits', async () => {
    // letGoMinPixels 1: this small bracket takes the path of a large one (in place, undoable); Infinity: copies.
    const inPlace = new ProjectService({ letGoMinPixels: 1 });
    const copies = new ProjectService({ letGoMinPixels: Number.POSITIVE_INFINITY });
    const a = (await inPlace.load(files)).projectId;
    const b = (await copies.load(files)).projectId;
    const before = await shots(inPlace, a);
    const deghost = { reference: bracket.reference };
    // A frame view asked while the merge has the frames deghosted in place (align 'off': they are the frames as loaded).
    const project = (inPlace as unknown as { projects: Map<string, { framesBusy?: Promise<void> }> }).projects.get(a)!;
    let settled = false;
    const merging = merge(inPlace, a, deghost).finally(() => (settled = true));
    let sawBusy = false;
    let during: Awaited<ReturnType<typeof shots>> | undefined;
    const watch = (async () => {
      // The window spans at least the merge's stage boundary after deghosting (a setImmediate turn): looked at every turn.
      while (!settled && !project.framesBusy) await new Promise((r) => setImmediate(r));
      sawBusy = project.framesBusy !== undefined;
      during = await shots(inPlace, a);
    })();
    const [merged, reference] = await Promise.all([merging, merge(copies, b, deghost)]);
    await watch;
    expect(sawBusy).toBe(true);
    expect(merged.ghost!.area).toBeGreaterThan(0.01);
    expect(merged.preview.data).toEqual(reference.preview.data);
    // Put back: the frames as loaded, during the merge (the view waited) and after it.
    during!.forEach((shot, i) => expect(shot.data).toEqual(before[i].data));
    (await shots(inPlace, a)).forEach((shot, i) => expect(shot.data).toEqual(before[i].data));
    // The export deghosts the same frames again for its radiance map: the same EXR either way.
    const exr = async (service: ProjectService, projectId: string, name: string) => {
      const path = join(dir, name);
      await service.export({ projectId, tone: { operator: 'filmic' }, exrPath: path });
      return readFileSync(path);
    };
    expect((await exr(inPlace, a, 'in-place.exr')).equals(await exr(copies, b, 'copies.exr'))).toBe(true);
  }, 180_000);

  it('deghosting in place whose tiles cannot be read back says so, and the next merge reads the frames again from their files', async () => {
    // The first merge's spill keeps what it is given but cannot read it back (a failing disk); later ones work.
    const kept: Float32Array[] = [];
    const spills: string[] = [];
    const broken = new ProjectService({
      letGoMinPixels: 1,
      tileSpill: () => {
        const fails = spills.length === 0;
        spills.push(fails ? 'failing' : 'working');
        return {
          write: (data) => kept.push(data.slice()) - 1,
          read: (handle, into) => {
            if (fails) throw new Error('EIO: i/o error, read');
            into.set(kept[handle]);
          },
          close: () => undefined,
        };
      },
    });
    const copies = new ProjectService({ letGoMinPixels: Number.POSITIVE_INFINITY });
    const a = (await broken.load(files)).projectId;
    const b = (await copies.load(files)).projectId;
    const before = await shots(broken, a);
    const deghost = { reference: bracket.reference };
    await expect(merge(broken, a, deghost)).rejects.toThrow(/could not put the frames back after the full-size merge: .*could not be read back from the temporary file \(EIO: i\/o error, read\)\. The next merge reads them again from their files/);
    expect(kept.length).toBeGreaterThan(0);
    // The frames are read again from the files: as loaded, not as the failed merge left them.
    (await shots(broken, a)).forEach((shot, i) => expect(shot.data).toEqual(before[i].data));
    const [again, reference] = await Promise.all([merge(broken, a, deghost), merge(copies, b, deghost)]);
    expect(spills).toEqual(['failing', 'working']);
    expect(again.preview.data).toEqual(reference.preview.data);
    (await shots(broken, a)).forEach((shot, i) => expect(shot.data).toEqual(before[i].data));
  }, 180_000);

  it('refuses deghosting with a synthesised frame, for a single frame, and a reference beyond the frames', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    await expect(service.merge({ projectId, method: 'mertens', synthesize: 'dark', deghost: {} })).rejects.toThrow(/do not go together.*turn one of them off/);
    await expect(merge(service, projectId, { reference: 3 })).rejects.toThrow(/must be one of the 3 frames, got 3/);
    const one = await service.load([files[0]]);
    await expect(service.merge({ projectId: one.projectId, method: 'recover-classical', deghost: {} })).rejects.toThrow(/single frame has nothing to compare/);
  }, 120_000);
});
