/**
 * Frames tagged with an EXIF Orientation are read turned as they are shown: checked against ImageMagick's
 * -auto-orient on every value, and through the header reader, readFrame and the library's thumbnails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readShotInfo } from '../../../../src-main/services/exif';
import { readBracket, readFrame } from '../../../../src-main/services/frames';
import { OriginalFrames } from '../../../../src-main/services/original-frames';
import { LibraryService } from '../../../../src-main/services/library-service';
import { encodeTiff } from '../../../../src-shared/codecs/tiff-write';
import { externalCommand, imagemagickTool, run } from '../../helpers/external-tools';
import { writeDng } from '../../helpers/dng-writer';
import { jpegWithExif } from './shot-fixtures';

const magick = imagemagickTool();
const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
const dir = mkdtempSync(join(tmpdir(), 'luxfuse-orient-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 7 x 4 8-bit RGB TIFF whose every pixel differs, tagged with `orientation`. */
function taggedTiff(orientation: number): string {
  const w = 7;
  const h = 4;
  const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + 11) % 256);
  const path = join(dir, `o${orientation}.tif`);
  writeFileSync(path, encodeTiff({ width: w, height: h, channels: 3, bits: 8, data, exif: { orientation, make: 'Luxfuse' } }));
  return path;
}

describe('EXIF orientation', () => {
  it.skipIf(magick.skip)(magick.title('turns every orientation as ImageMagick -auto-orient does'), async () => {
    magick.requireAvailable();
    for (let o = 1; o <= 8; o++) {
      const tagged = taggedTiff(o);
      expect((await readShotInfo(tagged)).orientation).toBe(o);
      const upright = join(dir, `o${o}-magick.tif`);
      run('convert', [tagged, '-auto-orient', '+repage', '-depth', '8', upright]);
      // ImageMagick writes the turned pixels tagged 1 (or untagged): read as stored.
      expect([1, undefined]).toContain((await readShotInfo(upright)).orientation);
      const ours = await readFrame(tagged);
      const theirs = await readFrame(upright);
      expect([ours.width, ours.height], `orientation ${o}`).toEqual([theirs.width, theirs.height]);
      expect([ours.width, ours.height]).toEqual(o >= 5 ? [4, 7] : [7, 4]);
      expect(Buffer.from(ours.data.buffer).equals(Buffer.from(theirs.data.buffer)), `orientation ${o}: the same samples`).toBe(true);
    }
  });

  it('reads a portrait JPEG upright, and its library thumbnail too', async () => {
    const path = join(dir, 'portrait.jpg');
    writeFileSync(path, jpegWithExif({ orientation: 6, make: 'Luxfuse', exposureTime: 1 / 60 }, 48, 32));
    const shot = await readShotInfo(path);
    // The header's size is as stored; the frame is as shown.
    expect([shot.width, shot.height, shot.orientation]).toEqual([48, 32, 6]);
    const frame = await readFrame(path);
    expect([frame.width, frame.height]).toEqual([32, 48]);
    expect(frame.meta.exposureTime).toBeCloseTo(1 / 60);
    const library = new LibraryService();
    await library.scan([dir]);
    const thumb = await library.thumbnail(path);
    expect(thumb.height).toBeGreaterThan(thumb.width);
  });

  it.skipIf(exiftool.skip)(exiftool.title("turns a portrait JPEG's embedded EXIF thumbnail too"), async () => {
    exiftool.requireAvailable();
    const sub = mkdtempSync(join(dir, 'thumb-'));
    const path = join(sub, 'portrait.jpg');
    writeFileSync(path, jpegWithExif({ orientation: 6, make: 'Luxfuse' }, 64, 48));
    const small = join(sub, 'small.jpg.bin');
    writeFileSync(small, jpegWithExif(undefined, 16, 12));
    run('exiftool', ['-q', '-overwrite_original', `-ThumbnailImage<=${small}`, path]);
    const library = new LibraryService();
    await library.scan([sub]);
    // The library shows the 16 x 12 embedded thumbnail, turned: 12 wide, 16 high.
    const thumb = await library.thumbnail(path);
    expect([thumb.width, thumb.height]).toEqual([12, 16]);
  });

  it('leaves turning a RAW frame to LibRaw, which turns it once; its library thumbnail is upright', async () => {
    const scene = (x: number, y: number): [number, number, number] => [0.05 + (x / 48) * 0.3, 0.1 + (y / 32) * 0.2, 0.2];
    for (const [orientation, size] of [
      [1, [48, 32]],
      [6, [32, 48]],
      [8, [32, 48]],
      [3, [48, 32]],
    ] as const) {
      const path = join(dir, `o${orientation}.dng`);
      writeFileSync(path, writeDng({ width: 48, height: 32, scene, orientation }));
      expect((await readShotInfo(path)).orientation).toBe(orientation);
      const frame = await readFrame(path);
      expect([frame.width, frame.height], `orientation ${orientation}`).toEqual(size);
      // The library's thumbnail is upright too. (LibRaw extracts no preview from this synthetic DNG, so this is the
      // thumbnail made from the decoded frame; a camera's embedded RAW preview is turned by embeddedPreview, untested here.)
      const library = new LibraryService();
      await library.scan([path]);
      const thumb = await library.thumbnail(path);
      expect(thumb.width > thumb.height, `orientation ${orientation}: the thumbnail`).toBe(size[0] > size[1]);
      // Brighter to the stored right: shown at the bottom for 6 (turned clockwise), at the top for 8, at the left for 3.
      const at = (x: number, y: number) => frame.data[(y * frame.width + x) * 3];
      const w = frame.width - 1;
      const h = frame.height - 1;
      const brighter = { 1: at(w, 0) > at(0, 0), 6: at(0, h) > at(0, 0), 8: at(0, 0) > at(0, h), 3: at(0, 0) > at(w, 0) }[orientation];
      expect(brighter, `orientation ${orientation}: where the stored right side went`).toBe(true);
    }
  });

  it('turns a bracket alike when the camera tagged its frames differently (pointed at a ceiling), and reads a let-go frame again the same way', async () => {
    const w = 7;
    const h = 4;
    const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + 11) % 256);
    const bracket = async (tags: number[], name: string) => {
      const paths = tags.map((orientation, i) => {
        const path = join(dir, `${name}-${i}.tif`);
        writeFileSync(path, encodeTiff({ width: w, height: h, channels: 3, bits: 8, data, exif: { orientation, exposureTime: 1 / (60 * 4 ** i) } }));
        return path;
      });
      return { paths, frames: await readBracket(paths) };
    };
    // Two of three say 6: the odd one is turned as they are; the same stored pixels give the same samples.
    const { paths, frames } = await bracket([6, 1, 6], 'ceiling');
    expect(frames.map((f) => [f.width, f.height, f.meta.orientation])).toEqual([[4, 7, 6], [4, 7, 6], [4, 7, 6]]);
    expect(frames[1].data).toEqual(frames[0].data);
    // A tie goes to the middle frame's.
    const tie = await bracket([1, 8, 6], 'tie');
    expect(tie.frames.map((f) => [f.width, f.height, f.meta.orientation])).toEqual([[4, 7, 8], [4, 7, 8], [4, 7, 8]]);
    expect(tie.frames[2].data).toEqual(tie.frames[1].data);
    // Let go and read again: turned as the bracket was, not by its own tag.
    const kept = frames[0].data.slice();
    const originals = await OriginalFrames.open(paths, frames, { minPixels: 1 });
    const source = await originals.all();
    originals.settle(source, source.map((f) => ({ ...f, data: f.data.slice() })));
    const again = await originals.frame(1);
    expect([again.width, again.height, again.meta.orientation]).toEqual([4, 7, 6]);
    expect(again.data).toEqual(kept);
  });
});
