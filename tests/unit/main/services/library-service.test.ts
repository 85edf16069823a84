/** The library's import service: brackets from a folder, thumbnails only for files it scanned. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibraryService, ScanCancelledError, THUMBNAIL_SIDE, UnknownLibraryFileError } from '../../../../src-main/services/library-service';
import { readShotInfo } from '../../../../src-main/services/exif';
import { validators } from '../../../../src-main/ipc/validate-args';
import { writeBracket } from '../../helpers/bracket-fixture';
import { externalCommand, run } from '../../helpers/external-tools';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';

const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-library-'));
  mkdirSync(join(dir, 'sub'));
  writeBracket(dir, { prefix: 'a', minute: 0, width: 400, height: 280 });
  writeBracket(join(dir, 'sub'), { prefix: 'b', minute: 7, format: 'png' });
  writeFileSync(join(dir, 'broken.jpg'), 'shopping list, not a photo');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LibraryService', () => {
  it('groups a folder recursively: the EXIF bracket, the PNG bracket without EXIF by its pixels, a named error per bad file', async () => {
    const library = new LibraryService();
    const scan = await library.scan([dir]);
    expect(scan.groups).toHaveLength(2);
    expect(scan.groups[0].frames.map((f) => f.name)).toEqual(['a-1.jpg', 'a-2.jpg', 'a-3.jpg']);
    expect(scan.groups[0].frames.map((f) => f.ev)).toEqual([-2, 0, 2].map((v) => expect.closeTo(v, 0)));
    expect(scan.groups[0].reason).toMatch(/3 frames/);
    // No capture times: after the timed bracket, and labelled with the exposures its pixels show.
    expect(scan.groups[1].frames.map((f) => f.name)).toEqual(['b-1.png', 'b-2.png', 'b-3.png']);
    expect(scan.groups[1].frames.map((f) => f.ev)).toEqual([-2, 0, 2].map((v) => expect.closeTo(v, 0)));
    expect(scan.groups[1].reason).toMatch(/measured from the pixels/);
    expect(scan.singles).toEqual([]);
    expect(scan.errors).toEqual([{ file: join(dir, 'broken.jpg'), message: expect.stringContaining('broken.jpg') }]);
  });

  it('lists a frame cut short among the files not read, with the reason, at import: the rest of its bracket is still a bracket', async () => {
    // Its own folder: the other tests count the files under `dir`.
    const folder = mkdtempSync(join(tmpdir(), 'luxfuse-library-cut-'));
    const frames = writeBracket(folder, { prefix: 'c', minute: 20 });
    const whole = readFileSync(frames[0]);
    writeFileSync(frames[0], whole.subarray(0, whole.length - 100));
    const scan = await new LibraryService().scan([folder]);
    expect(scan.groups.map((g) => g.frames.map((f) => f.name))).toEqual([['c-2.jpg', 'c-3.jpg']]);
    expect(scan.errors).toEqual([{ file: frames[0], message: expect.stringMatching(/c-1\.jpg: truncated or corrupt JPEG: the file ends before its end-of-image marker/) }]);
    // The bracket says it was shot with the cut frame, which the library shows (the reason in the accent colour).
    expect(scan.groups[0].missing).toEqual(scan.errors);
    expect(scan.groups[0].reason).toMatch(/1 of its 3 frames cannot be merged and is left out \(c-1\.jpg\)$/);
    rmSync(folder, { recursive: true, force: true });
  });

  it.skipIf(exiftool.skip)(exiftool.title('converts an embedded preview from Adobe RGB when the EXIF says a camera set to Adobe RGB made the file'), async () => {
    exiftool.requireAvailable();
    const folder = mkdtempSync(join(tmpdir(), 'luxfuse-library-adobe-'));
    // A bracket whose EXIF thumbnails are one flat colour, coded (200, 80, 60): in Adobe RGB for one copy, sRGB for the other.
    const thumb = join(folder, 'thumb.jpg');
    const flat = new Uint8ClampedArray(160 * 120 * 4).map((_, i) => [200, 80, 60, 255][i % 4]);
    writeFileSync(thumb, encodeJpeg({ width: 160, height: 120, data: flat }, { quality: 100 }));
    const middle = (sub: string, tags: string[]): string => {
      mkdirSync(join(folder, sub));
      const frames = writeBracket(join(folder, sub), { prefix: sub, width: 320, height: 240 });
      run('exiftool', ['-q', '-overwrite_original', `-ThumbnailImage<=${thumb}`, ...tags, ...frames]);
      return frames[1];
    };
    const adobe = middle('adobe', ['-ColorSpace=Uncalibrated', '-InteropIndex=R03']);
    const plain = middle('plain', []);
    const library = new LibraryService();
    await library.scan([folder]);
    const mean = async (path: string): Promise<number[]> => {
      const t = await library.thumbnail(path);
      expect([t.width, t.height]).toEqual([160, 120]); // the embedded preview, not a decode of the 320x240 frame
      const sum = [0, 0, 0];
      for (let i = 0; i < t.data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += t.data[i + c];
      return sum.map((v) => v / (t.data.length / 4));
    };
    const near = (got: number[], want: number[], within: number) => got.forEach((v, c) => expect(Math.abs(v - want[c]), `channel ${c}: ${got}`).toBeLessThanOrEqual(within));
    near(await mean(plain), [200, 80, 60], 3);
    // Adobe RGB (200, 80, 60) in sRGB: gamma 563/256 to linear, Adobe's primaries to sRGB's, the sRGB curve.
    const lin = [200, 80, 60].map((v) => (v / 255) ** (563 / 256));
    const srgb = [1.3982 * lin[0] - 0.3982 * lin[1], lin[1], -0.0429 * lin[1] + 1.0429 * lin[2]];
    const want = srgb.map((v) => 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
    near(await mean(adobe), want, 3);
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves thumbnails at most THUMBNAIL_SIDE px for scanned files only', async () => {
    const library = new LibraryService();
    await library.scan([dir]);
    const jpeg = await library.thumbnail(join(dir, 'a-2.jpg'));
    expect(Math.max(jpeg.width, jpeg.height)).toBeLessThanOrEqual(THUMBNAIL_SIDE);
    expect(jpeg.data.length).toBe(jpeg.width * jpeg.height * 4);
    // A mid exposure is neither black nor white.
    let sum = 0;
    for (let i = 0; i < jpeg.data.length; i += 4) sum += jpeg.data[i + 1];
    const mean = sum / (jpeg.data.length / 4);
    expect(mean).toBeGreaterThan(30);
    expect(mean).toBeLessThan(230);
    const png = await library.thumbnail(join(dir, 'sub', 'b-1.png'));
    expect(png.width).toBe(160);
    await expect(library.thumbnail('/etc/passwd')).rejects.toThrow(/not in the library/);
  });

  it('reports the progress of an import in flight and stops it on cancel, adding nothing', async () => {
    // Header reads wait on a gate the test opens, so the scan is caught in the middle.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const library = new LibraryService({
      readShot: async (file) => {
        started++;
        if (started > 2) await gate;
        return readShotInfo(file);
      },
    });
    expect(library.scanStatus()).toBeNull();
    const scan = library.scan([dir]);
    await expect.poll(() => library.scanStatus()?.done).toBe(2);
    expect(library.scanStatus()).toEqual({ phase: 'reading', done: 2, total: 7 });
    library.cancelScans();
    release();
    await expect(scan).rejects.toThrow(ScanCancelledError);
    await expect(scan).rejects.toThrow('Import cancelled: nothing was added');
    expect(library.scanStatus()).toBeNull();
    // Nothing of the cancelled import became known: its files get no thumbnails.
    await expect(library.thumbnail(join(dir, 'a-1.jpg'))).rejects.toThrow(UnknownLibraryFileError);
    // The next import runs to the end.
    const again = await library.scan([dir]);
    expect(again.groups).toHaveLength(2);
  });

  it('a cancel between folders stops the walk before any header is read', async () => {
    let reads = 0;
    const library = new LibraryService({ readShot: async (f) => (reads++, readShotInfo(f)) });
    const scan = library.scan([dir]);
    library.cancelScans();
    await expect(scan).rejects.toThrow(ScanCancelledError);
    expect(reads).toBe(0);
  });

  it('IPC arguments of the library channels are checked', () => {
    expect(validators['library:scan-status']([])).toEqual([]);
    expect(() => validators['library:scan-cancel'](['now'])).toThrow(/0 argument/);
    expect(validators['library:scan']([['/photos/card']])).toEqual([['/photos/card']]);
    expect(() => validators['library:scan']([[]])).toThrow(/1 to/);
    expect(() => validators['library:scan']([['relative/dir']])).toThrow(/absolute/);
    expect(() => validators['library:thumbnail'](['x.jpg'])).toThrow(/absolute/);
    expect(() => validators['dialog:open-folder'](['x'])).toThrow(/0 argument/);
  });
});
