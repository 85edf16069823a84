/** OriginalFrames: a frame the alignment moved is let go and read again from its file, the same samples, or a named error. */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBracket } from '../../../../src-main/services/frames';
import { OriginalFrames } from '../../../../src-main/services/original-frames';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { writeBracket } from '../../helpers/bracket-fixture';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-originals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh copy of the fixture bracket (its own files, so a test may change them) and its frames as read. */
async function opened(prefix: string, minPixels = 1): Promise<{ paths: string[]; frames: LinearImage[]; originals: OriginalFrames; copy: LinearImage[] }> {
  const paths = writeBracket(dir, { width: 96, height: 64, format: 'png', prefix });
  const frames = await readBracket(paths);
  const copy = frames.map((f) => ({ ...f, data: f.data.slice() }));
  return { paths, frames, originals: await OriginalFrames.open(paths, frames, { minPixels }), copy };
}

/** What an alignment that moved frames 1 and 2 and kept frame 0 gives. */
const moved = (frames: LinearImage[]): LinearImage[] => frames.map((f, i) => (i === 0 ? f : { ...f, data: f.data.slice() }));

describe('OriginalFrames', () => {
  it('lets go of the frames the alignment moved, keeps the one it did not, and reads them again with the same samples', async () => {
    const { frames, originals, copy } = await opened('same');
    const source = await originals.all();
    originals.settle(source, moved(source));
    expect([0, 1, 2].map((i) => originals.isHeld(i))).toEqual([true, false, false]);
    // Size and metadata stay; the samples are gone, loudly.
    expect(originals.frames[1].width).toBe(96);
    expect(originals.frames[1].meta).toEqual(copy[1].meta);
    expect(() => originals.frames[1].data).toThrow(/were let go after the full-size alignment/);
    expect(() => ({ ...originals.frames[2] })).toThrow(/were let go/);
    expect(originals.frames[0]).toBe(frames[0]);
    // Read again: the same samples as at load; two asks at once share one read.
    const [a, b] = await Promise.all([originals.frame(1), originals.frame(1)]);
    expect(a).toBe(b);
    expect(a.data).toEqual(copy[1].data);
    const all = await originals.all();
    all.forEach((f, i) => expect(f.data).toEqual(copy[i].data));
    // Read again for a use, not kept: only an alignment that leaves a frame where it was holds it again.
    expect(originals.isHeld(1)).toBe(false);
    originals.settle(all, all);
    expect([0, 1, 2].map((i) => originals.isHeld(i))).toEqual([true, true, true]);
    expect(originals.frames[2].data).toEqual(copy[2].data);
  });

  it('keeps frames under its size, moved or not', async () => {
    const { originals } = await opened('small', 96 * 64 + 1);
    const source = await originals.all();
    originals.settle(source, moved(source));
    expect([0, 1, 2].map((i) => originals.isHeld(i))).toEqual([true, true, true]);
  });

  it('refuses, naming the file, to read again a file changed or deleted since the bracket was opened', async () => {
    const { paths, originals } = await opened('changed');
    const source = await originals.all();
    originals.settle(source, moved(source));
    // Same bytes, touched: its time says it is not the file that was opened.
    const later = new Date(Date.now() + 60_000);
    utimesSync(paths[1], later, later);
    await expect(originals.frame(1)).rejects.toThrow(`${paths[1]} changed on disk since the bracket was opened`);
    writeFileSync(paths[2], new Uint8Array(10));
    await expect(originals.all()).rejects.toThrow(/changed on disk since the bracket was opened \(its full-size samples were let go/);
    await expect(originals.frame(2)).rejects.toThrow(`${paths[2]} changed on disk`);
    rmSync(paths[2]);
    await expect(originals.frame(2)).rejects.toThrow(`${paths[2]} cannot be read any more`);
    // The frame held needs no file.
    rmSync(paths[0]);
    await expect(originals.frame(0)).resolves.toBe(originals.frames[0]);
  });
});
