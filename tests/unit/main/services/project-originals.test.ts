/**
 * The engine lets go of the full-size frames its alignment moved (OriginalFrames) and reads them again
 * when another alignment, preview size or frame view needs them: every result equals an engine's that
 * keeps them all, and a file changed since opening is named when it is needed again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectService } from '../../../../src-main/services/project-service';
import { encodePng } from '../../../../src-shared/codecs/png';
import type { MergeRequest } from '../../../../src-preload/contract';
import { photograph, renderScene } from '../../../../scripts/make-sample';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-project-originals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 200;
const H = 136;
const TIMES = [1 / 250, 1 / 60, 1 / 15];
/** Where each frame's window lies in the larger scene: the camera moved a few pixels between shots. */
const SHIFTS = [
  [6, 5],
  [9, 3],
  [2, 9],
];

/** A handheld bracket: one scene, each exposure cropped from it a few pixels off the last (PNG, no EXIF). */
function writeMovedBracket(prefix: string): string[] {
  const pad = 12;
  const sw = W + pad;
  const sh = H + pad;
  const scene = renderScene(sw, sh);
  return TIMES.map((time, i) => {
    const whole = photograph(scene, sw, sh, time, 70 + i);
    const [dx, dy] = SHIFTS[i];
    const rgba = new Uint8Array(W * H * 4);
    for (let y = 0; y < H; y++) rgba.set(whole.subarray(((y + dy) * sw + dx) * 4, ((y + dy) * sw + dx + W) * 4), y * W * 4);
    const path = join(dir, `${prefix}-${i + 1}.png`);
    writeFileSync(path, encodePng({ width: W, height: H, channels: 4, bits: 8, data: rgba }));
    return path;
  });
}

/** The same bracket in an engine that lets go of every moved frame and in one that keeps them all. */
async function pair(prefix: string) {
  const paths = writeMovedBracket(prefix);
  const letting = new ProjectService({ letGoMinPixels: 1 });
  const keeping = new ProjectService({ letGoMinPixels: Number.POSITIVE_INFINITY });
  const a = (await letting.load(paths)).projectId;
  const b = (await keeping.load(paths)).projectId;
  const both = async <T>(call: (service: ProjectService, projectId: string) => Promise<T>): Promise<[T, T]> => [await call(letting, a), await call(keeping, b)];
  return { paths, letting, keeping, a, b, both };
}

const full = (align: MergeRequest['align'], method: MergeRequest['method'] = 'mertens'): Omit<MergeRequest, 'projectId'> => ({ method, align, exposureTimes: TIMES, previewMaxSide: 1280 });

describe('frames the full-size alignment moved', () => {
  it('are read again for another alignment, preview size, frame view and radiance preview: the same results as when kept', async () => {
    const { paths, letting, keeping, a, b, both } = await pair('same');
    const [first, kept] = await both((s, projectId) => s.merge({ projectId, ...full('similarity') }));
    expect(first.stage).toBe('full');
    // The alignment moved the frames (else nothing was let go and this test would prove nothing).
    expect(first.alignment.filter((f) => f.method !== 'reference' && Math.hypot(f.dx, f.dy) > 1)).toHaveLength(2);
    expect(first.preview.data).toEqual(kept.preview.data);
    // Another alignment reads the frames again; so do a smaller preview stage and its radiance merge's samples.
    const [again, againKept] = await both((s, projectId) => s.merge({ projectId, ...full('translation') }));
    expect(again.preview.data).toEqual(againKept.preview.data);
    const [small, smallKept] = await both((s, projectId) => s.merge({ projectId, ...full('similarity', 'radiance'), stage: 'preview', previewMaxSide: 96 }));
    expect(small.stage).toBe('preview');
    expect(small.preview.data).toEqual(smallKept.preview.data);
    // Back to the first alignment, then a frame as shot (from the merge shown) and the export.
    const [back, backKept] = await both((s, projectId) => s.merge({ projectId, ...full('similarity') }));
    expect(back.preview.data).toEqual(backKept.preview.data);
    const [shot, shotKept] = await both((s, projectId) => s.framePreview({ projectId, index: 2, maxSide: 128 }));
    expect(shot.data).toEqual(shotKept.data);
    // What was read again came from the files: with a moved frame's file gone, only the engine that kept it aligns anew.
    const moved = first.alignment.findIndex((f) => f.method !== 'reference');
    rmSync(paths[moved]);
    await expect(letting.merge({ projectId: a, ...full('off') })).rejects.toThrow(`${paths[moved]} cannot be read any more`);
    expect((await keeping.merge({ projectId: b, ...full('off') })).preview.data).not.toEqual(back.preview.data);
  }, 120_000);

  it('a file changed since opening is named when its frame is needed again; the merge of the current alignment still works', async () => {
    const { paths, letting, a } = await pair('changed');
    const first = await letting.merge({ projectId: a, ...full('similarity') });
    const reference = first.alignment.findIndex((f) => f.method === 'reference');
    const moved = [0, 1, 2].filter((i) => i !== reference);
    writeFileSync(paths[moved[0]], new Uint8Array(20));
    await expect(letting.merge({ projectId: a, ...full('translation') })).rejects.toThrow(`${paths[moved[0]]} changed on disk since the bracket was opened`);
    // Nothing was lost: the alignment in memory merges, and exports, as before.
    const again = await letting.merge({ projectId: a, ...full('similarity'), method: 'radiance' });
    expect(again.width).toBe(W);
    const out = join(dir, 'still.jpg');
    expect((await letting.export({ projectId: a, tone: { operator: 'none' }, jpegPath: out })).written).toEqual([out]);
  }, 120_000);
});
