import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExifFields } from '../../../../src-shared/codecs/exif-write';
import { encodePng } from '../../../../src-shared/codecs/png';
import { groupFiles, mapLimit } from '../../../../src-main/services/group-service';
import { readProbe } from '../../../../src-main/services/pixel-probe-read';
import { writeBracket } from '../../helpers/bracket-fixture';
import { cr3WithExif, jpegWithExif, pngWithExif, tiffWithExif } from './shot-fixtures';

/** A whole JPEG (no EXIF) with an unexpected marker (FF C0) in the middle of its scan: its structure is fine, its pixels do not decode. */
function jpegWithBadScan(width: number, height: number): Uint8Array {
  const jpeg = jpegWithExif(undefined, width, height);
  let sos = 2;
  while (!(jpeg[sos] === 0xff && jpeg[sos + 1] === 0xda)) sos += 2 + ((jpeg[sos + 2] << 8) | jpeg[sos + 3]);
  const data = sos + 2 + ((jpeg[sos + 2] << 8) | jpeg[sos + 3]);
  jpeg.set([0xff, 0xc0], (data + jpeg.length) >> 1);
  return jpeg;
}

let dir: string;
const at = (...parts: string[]) => join(dir, ...parts);

const D750: ExifFields = {
  make: 'NIKON CORPORATION',
  model: 'NIKON D750',
  bodySerialNumber: '1234',
  lensModel: '24.0-70.0 mm f/2.8',
  focalLength: 24,
  fNumber: 8,
  iso: 100,
};
const R5: ExifFields = { make: 'Canon', model: 'Canon EOS R5', bodySerialNumber: '0820', lensModel: 'RF35mm F1.8', focalLength: 35, fNumber: 4, iso: 100 };

/** Exposure time `stops` from 1/125 s, on the nominal dial. */
const SPEED: Record<number, number> = { [-2]: 1 / 500, 0: 1 / 125, 2: 1 / 30 };

function frame(body: ExifFields, second: number, centis: number, stops: number, mode: 0 | 1 | 2 = 2): ExifFields {
  return {
    ...body,
    exposureTime: SPEED[stops],
    exposureBias: mode === 2 ? stops : 0,
    exposureMode: mode,
    dateTimeOriginal: `2024:06:01 18:30:${String(second).padStart(2, '0')}`,
    subSecTimeOriginal: String(centis).padStart(2, '0'),
    offsetTimeOriginal: '+02:00',
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'luxfuse-group-'));
  await mkdir(at('street'));
  const write = (name: string, bytes: Uint8Array) => writeFile(at('street', name), bytes);
  // two AEB sets back to back (0,-2,+2 twice), 0.2 s between frames and between sets
  const offsets = [0, -2, 2, 0, -2, 2];
  for (let i = 0; i < 6; i++) {
    const t = i * 20;
    await write(`DSC_${1001 + i}.jpg`, jpegWithExif(frame(D750, Math.floor(t / 100), t % 100, offsets[i]), 24, 16));
  }
  // a single frame half a minute later
  await write('DSC_1007.jpg', jpegWithExif(frame(D750, 40, 0, 0, 0), 24, 16));
  // RAW+JPEG from a second body: -2,0,+2
  for (const [i, stops] of [-2, 0, 2].entries()) {
    const fields = frame(R5, 50, i * 30, stops);
    await write(`IMG_${2001 + i}.CR3`, cr3WithExif(fields));
    await write(`IMG_${2001 + i}.JPG`, jpegWithExif(fields, 32, 20));
  }
  await write('export.png', pngWithExif(undefined));
  await write('broken.jpg', new TextEncoder().encode('not a jpeg'));
  await write('notes.txt', new TextEncoder().encode('ignored'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('groupFiles', () => {
  it('scans, reads and groups a folder into the shape luxfuse group --json prints', async () => {
    const result = await groupFiles([at('street'), at('nowhere')]);
    const json = JSON.parse(JSON.stringify(result));
    expect(Object.keys(json)).toEqual(['groups', 'ungrouped', 'companions', 'errors']);
    for (const g of json.groups) expect(Object.keys(g).sort()).toEqual(['confidence', 'exposureValues', 'files', 'reason']);

    const s = (n: string) => at('street', n);
    expect(result.groups.map((g) => g.files)).toEqual([
      [s('DSC_1001.jpg'), s('DSC_1002.jpg'), s('DSC_1003.jpg')],
      [s('DSC_1004.jpg'), s('DSC_1005.jpg'), s('DSC_1006.jpg')],
      [s('IMG_2001.CR3'), s('IMG_2002.CR3'), s('IMG_2003.CR3')],
    ]);
    expect(result.groups.map((g) => g.exposureValues)).toEqual([
      [0, -2, 2],
      [0, -2, 2],
      [-2, 0, 2],
    ]);
    expect(result.groups[0].reason).toMatch(/^3 frames from NIKON D750 #1234 within 0\.4 s, exposures 0\/-2\/\+2 EV, auto-bracket/);
    expect(result.groups[2].reason).toContain('Canon EOS R5 #0820');
    expect(result.groups[2].reason).toContain('3 same-shot copies');
    for (const g of result.groups) expect(g.confidence).toBeGreaterThan(0.9);
    expect(result.ungrouped).toEqual([s('DSC_1007.jpg'), s('export.png')]);
    // The JPEGs beside the CR3s are listed with the file each rides along with: every file is accounted for.
    expect(result.companions.map((c) => [c.file.slice(-12), c.of.slice(-12)])).toEqual([
      ['IMG_2001.JPG', 'IMG_2001.CR3'],
      ['IMG_2002.JPG', 'IMG_2002.CR3'],
      ['IMG_2003.JPG', 'IMG_2003.CR3'],
    ]);
    expect(result.errors).toEqual([
      { file: at('nowhere'), message: 'no such file or folder' },
      { file: s('broken.jpg'), message: expect.stringMatching(new RegExp(`^cannot read ${s('broken.jpg').replace(/[.\\/]/g, '\\$&')}: not an image`)) },
    ]);
  });

  it('reports progress for every file read, at any concurrency', async () => {
    const seen: number[] = [];
    const result = await groupFiles([at('street')], { concurrency: 2, onProgress: (done, total) => seen.push(done / total) });
    expect(seen).toHaveLength(15); // 7 DSC + 3 CR3 + 3 JPG + export.png + broken.jpg
    expect(seen.at(-1)).toBe(1);
    expect(result.groups).toHaveLength(3);
  });

  it('finds a bracket among files without exposure data by their pixels, and looks at no other file', async () => {
    const folder = at('exports');
    await mkdir(folder);
    // Written from one scene 1/250, 1/60 and 1/15 s (two stops apart), as PNG: no EXIF at all.
    const pngs = writeBracket(folder, { format: 'png', prefix: 'IMG', width: 200, height: 140 });
    await writeFile(join(folder, 'IMG-4.png'), pngWithExif(undefined));
    await writeFile(join(folder, 'camera.jpg'), jpegWithExif(frame(D750, 10, 0, 0, 0), 24, 16));
    // A PNG whose header reads but whose pixels are cut off: listed in the errors as its structure is checked, never decoded.
    const whole = await readFile(pngs[0]);
    await writeFile(join(folder, 'IMG-5.png'), whole.subarray(0, whole.length >> 1));
    const probed: string[] = [];
    const looked: number[][] = [];
    const result = await groupFiles([folder], { readProbe: (file) => (probed.push(file), readProbe(file)), onPixels: (done, total) => looked.push([done, total]) });
    expect(result.groups.map((g) => g.files)).toEqual([pngs]);
    const g = result.groups[0];
    g.exposureValues.forEach((ev, i) => expect(Math.abs(ev - [-2, 0, 2][i])).toBeLessThan(0.5));
    expect(g.reason).toMatch(/^3 frames without exposure data in their files, consecutive by file name, one scene by their pixels, exposures .* EV measured from the pixels, dark to bright$/);
    expect(result.ungrouped.map((f) => f.slice(folder.length + 1))).toEqual(['camera.jpg', 'IMG-4.png']);
    expect(result.errors.map((e) => e.file)).toEqual([join(folder, 'IMG-5.png')]);
    expect(probed.map((f) => f.slice(folder.length + 1)).sort()).toEqual(['IMG-1.png', 'IMG-2.png', 'IMG-3.png', 'IMG-4.png']);
    expect(looked.at(-1)).toEqual([4, 4]);
    // Without the pixel pass they are singles, as before.
    expect((await groupFiles([folder], { pixels: false })).groups).toEqual([]);
  });

  it('decodes big files other than JPEG one at a time for their pixels, smaller ones two at a time', async () => {
    const folder = at('big');
    await mkdir(folder);
    for (const name of ['a.png', 'b.png', 'c.png', 'd.png', 'e.tif', 'f.tif', 'g.tif']) await writeFile(join(folder, name), pngWithExif(undefined));
    let inFlight = 0;
    const most = { small: 0, big: 0 };
    const result = await groupFiles([folder], {
      // The .tif files say they are 100 MP; nothing here has exposure data.
      readShot: async (file) => ({ file, ...(file.endsWith('.tif') ? { width: 12_000, height: 8_400 } : { width: 24, height: 16 }) }),
      readProbe: async (file) => {
        const kind = file.endsWith('.tif') ? 'big' : 'small';
        most[kind] = Math.max(most[kind], ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        throw new Error('not decoded in this test');
      },
    });
    expect(most).toEqual({ small: 2, big: 1 });
    expect(result.ungrouped).toEqual([]);
    expect(result.errors.map((e) => e.message.replace(folder, '.'))).toContain('./e.tif: its pixels could not be read (not decoded in this test), so it was not compared with its neighbours and is in no bracket');
    expect(result.errors).toHaveLength(7);
  });

  it('lists a file without exposure data whose pixels do not decode in the errors, with the decoder\'s reason, and still groups the rest', async () => {
    const folder = at('damaged');
    await mkdir(folder);
    const pngs = writeBracket(folder, { format: 'png', prefix: 'IMG', width: 200, height: 140 });
    // A JPEG without EXIF, whole (it ends with its end-of-image marker), with a marker in the middle of its image data:
    // only decoding finds that.
    await writeFile(join(folder, 'IMG-4.jpg'), jpegWithBadScan(200, 140));
    // Bytes that are no image at all, named .png: its header does not read, so the pixel pass never sees it.
    await writeFile(join(folder, 'IMG-5.png'), Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255));
    const result = await groupFiles([folder]);
    expect(result.groups.map((g) => g.files)).toEqual([pngs]);
    expect(result.errors).toEqual([
      { file: join(folder, 'IMG-5.png'), message: `cannot read ${join(folder, 'IMG-5.png')}: not an image Luxfuse reads (the header is not JPEG, PNG, TIFF, EXR, CR3 or RAF)` },
      {
        file: join(folder, 'IMG-4.jpg'),
        message: `${join(folder, 'IMG-4.jpg')}: its pixels could not be read (truncated or corrupt JPEG: unexpected marker: ffc0), so it was not compared with its neighbours and is in no bracket`,
      },
    ]);
    // Each file is listed once: a file in the errors is in no group and not among the singles.
    expect(result.ungrouped).toEqual([]);
    // Without the pixel pass nothing is decoded: the JPEG is a single, as before.
    const headersOnly = await groupFiles([folder], { pixels: false });
    expect(headersOnly.ungrouped).toContain(join(folder, 'IMG-4.jpg'));
    expect(headersOnly.errors.map((e) => e.file)).toEqual([join(folder, 'IMG-5.png')]);
  });

  it('lists files cut short in the errors as their headers are read, with the reason: a bracket frame whose EXIF reads, a lone file without exposure data; the rest still group', async () => {
    const folder = at('cut-short');
    await mkdir(folder);
    const frames = writeBracket(folder, { prefix: 'IMG' });
    // The copy of the last frame stopped at 80 %: its EXIF, in the first bytes, reads as before.
    const whole = await readFile(frames[2]);
    await writeFile(frames[2], whole.subarray(0, Math.floor(whole.length * 0.8)));
    // A scan without exposure data, alone, cut before its IEND: never decoded at import.
    const lone = join(folder, 'scan.png');
    const png = encodePng({ width: 64, height: 48, channels: 3, bits: 8, data: new Uint8Array(64 * 48 * 3).fill(90) });
    await writeFile(lone, png.subarray(0, png.length - 6));
    for (const pixels of [true, false]) {
      const result = await groupFiles([folder], { pixels });
      expect(result.errors).toEqual([
        { file: frames[2], message: `${frames[2]}: truncated or corrupt JPEG: the file ends before its end-of-image marker (part of the picture is missing), so it cannot be merged and is in no bracket` },
        { file: lone, message: `${lone}: truncated or corrupt PNG: the file ends before its IEND chunk, so it cannot be merged and is in no bracket` },
      ]);
      expect(result.groups.map((g) => g.files)).toEqual([frames.slice(0, 2)]);
      // The bracket says it was shot with a third frame, which is left out.
      expect(result.groups[0].missing).toEqual([result.errors[0]]);
      expect(result.groups[0].reason).toMatch(/; 1 of its 3 frames cannot be merged and is left out \(IMG-3\.jpg\)$/);
      expect(result.ungrouped).toEqual([]);
    }
  });

  it('finds a bracket as it was shot when its middle frame is cut short: the frames either side stay one bracket, the cut one is named as missing', async () => {
    const folder = at('cut-middle');
    await mkdir(folder);
    const frames = writeBracket(folder, { prefix: 'IMG' });
    const whole = await readFile(frames[1]);
    await writeFile(frames[1], whole.subarray(0, Math.floor(whole.length * 0.7)));
    const result = await groupFiles([folder], { pixels: false });
    expect(result.groups.map((g) => g.files)).toEqual([[frames[0], frames[2]]]);
    expect(result.groups[0].exposureValues).toHaveLength(2);
    expect(result.groups[0].exposureValues[1] - result.groups[0].exposureValues[0]).toBeGreaterThan(1.5);
    expect(result.groups[0].missing?.map((m) => m.file)).toEqual([frames[1]]);
    expect(result.errors.map((e) => e.file)).toEqual([frames[1]]);
  });

  it('leaves no bracket of one frame: a pair with one frame cut short is an error and a single', async () => {
    const folder = at('cut-pair');
    await mkdir(folder);
    const name = (n: number) => join(folder, `DSC_${n}.jpg`);
    await writeFile(name(1), jpegWithExif(frame(D750, 5, 0, -2), 24, 16));
    const second = jpegWithExif(frame(D750, 5, 20, 2), 24, 16);
    await writeFile(name(2), second.subarray(0, second.length - 40));
    const result = await groupFiles([folder], { pixels: false });
    expect(result.groups).toEqual([]);
    expect(result.ungrouped).toEqual([name(1)]);
    expect(result.errors.map((e) => e.file)).toEqual([name(2)]);
  });

  it('lets the JPEG of a shot stand for its TIFF when the TIFF cannot be merged (cut short): the bracket keeps all its shots', async () => {
    const folder = at('tiff-cut');
    await mkdir(folder);
    const offsets = [0, -2, 2];
    const tif = (i: number) => join(folder, `IMG_${2001 + i}.TIF`);
    const jpg = (i: number) => join(folder, `IMG_${2001 + i}.JPG`);
    for (let i = 0; i < 3; i++) {
      const fields = frame(R5, 7, i * 20, offsets[i]);
      await writeFile(jpg(i), jpegWithExif(fields, 24, 16));
      const tiff = tiffWithExif(fields, 24, 16);
      // The middle TIFF's copy stopped before its last strip ended.
      await writeFile(tif(i), i === 1 ? tiff.subarray(0, tiff.length - 200) : tiff);
    }
    const result = await groupFiles([folder], { pixels: false });
    expect(result.errors.map((e) => e.file)).toEqual([tif(1)]);
    expect(result.groups.map((g) => g.files)).toEqual([[tif(0), jpg(1), tif(2)]]);
    expect(result.groups[0].missing).toBeUndefined();
    expect(result.companions).toEqual([
      { file: jpg(0), of: tif(0) },
      { file: jpg(2), of: tif(2) },
    ]);
  });

  it('tells apart two bodies of one model without serial numbers, from the files: counters, then the owner name', async () => {
    const folder = at('two-bodies');
    await mkdir(folder);
    const anon = { ...R5, bodySerialNumber: undefined };
    const name = (n: number) => join(folder, `IMG_${String(n).padStart(4, '0')}.JPG`);
    // Body A numbers from 9998 and wraps to 0001 (whole-second times, no sub-seconds); body B from 0533; they press in turn.
    const offsets = [0, -2, 2];
    for (let i = 0; i < 3; i++) {
      const whole = (f: ExifFields): ExifFields => ({ ...f, subSecTimeOriginal: undefined });
      await writeFile(name([9998, 9999, 1][i]), jpegWithExif(whole(frame(anon, 5, i * 25, offsets[i])), 24, 16));
      await writeFile(name(533 + i), jpegWithExif(whole(frame(anon, 5, i * 25 + 10, offsets[i])), 24, 16));
    }
    const byCounters = await groupFiles([folder], { pixels: false });
    expect(byCounters.groups.map((g) => g.files)).toEqual([[name(9998), name(9999), name(1)], [name(533), name(534), name(535)]]);
    // Renamed in capture order, the names say nothing; the owner name set in one body does.
    const renamed = at('two-bodies-renamed');
    await mkdir(renamed);
    const party = (n: number) => join(renamed, `party-${n}.jpg`);
    for (let i = 0; i < 3; i++) {
      await writeFile(party(2 * i + 1), jpegWithExif(frame(anon, 5, i * 25, offsets[i]), 24, 16));
      await writeFile(party(2 * i + 2), jpegWithExif({ ...frame(anon, 5, i * 25 + 10, offsets[i]), cameraOwnerName: 'Ben Doe' }, 24, 16));
    }
    const byOwner = await groupFiles([renamed], { pixels: false });
    expect(byOwner.groups.map((g) => g.files)).toEqual([[party(1), party(3), party(5)], [party(2), party(4), party(6)]]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(groupFiles([at('street')], { signal: controller.signal })).rejects.toThrow();
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, x * 2));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
    expect(await mapLimit([], 4, async (x) => x)).toEqual([]);
  });
});
