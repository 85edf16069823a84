import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExifFields } from '../../../../src-shared/codecs/exif-write';
import { readShotInfo, UnreadableImageError } from '../../../../src-main/services/exif';
import { LuxfuseError } from '../../../../src-shared/errors';
import {
  cr3WithExif,
  exrOfSize,
  handTiff,
  jpegSegment,
  jpegWithExif,
  pngWithExif,
  rafWithExif,
  tiffWithExif,
} from './shot-fixtures';

const NIKON: ExifFields = {
  make: 'NIKON CORPORATION',
  model: 'NIKON D750',
  bodySerialNumber: '3012345',
  lensModel: '24.0-70.0 mm f/2.8',
  focalLength: 24,
  exposureTime: 1 / 125,
  fNumber: 8,
  iso: 200,
  exposureBias: -2 / 3,
  exposureMode: 2,
  dateTimeOriginal: '2024:06:01 14:30:05',
  subSecTimeOriginal: '05',
  offsetTimeOriginal: '+02:00',
};
/** 14:30:05.05 at +02:00 */
const NIKON_TIME = Date.UTC(2024, 5, 1, 12, 30, 5) + 50;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'luxfuse-exif-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

describe('readShotInfo: EXIF', () => {
  it('reads every field grouping needs from a JPEG', async () => {
    const path = await fixture('nikon.jpg', jpegWithExif(NIKON, 24, 16));
    expect(await readShotInfo(path)).toEqual({
      file: path,
      make: 'NIKON CORPORATION',
      model: 'NIKON D750',
      serial: '3012345',
      lensModel: '24.0-70.0 mm f/2.8',
      focalLength: 24,
      exposureTime: 1 / 125,
      fNumber: 8,
      iso: 200,
      exposureBias: expect.closeTo(-2 / 3, 9),
      exposureMode: 2,
      captureTime: NIKON_TIME,
      localTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/),
      width: 24,
      height: 16,
    });
  });

  it('gives the same capture time in any machine time zone', async () => {
    const path = await fixture('naive.jpg', jpegWithExif({ ...NIKON, offsetTimeOriginal: undefined, subSecTimeOriginal: '7' }));
    const saved = process.env.TZ;
    const times: (number | undefined)[] = [];
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham']) {
        process.env.TZ = tz;
        times.push((await readShotInfo(path)).captureTime);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    // no offset: wall-clock time read as if UTC
    expect(new Set(times)).toEqual(new Set([Date.UTC(2024, 5, 1, 14, 30, 5) + 700]));
  });

  it('reads PNG eXIf, TIFF in both byte orders', async () => {
    const png = await fixture('a.png', pngWithExif(NIKON, 20, 10));
    expect(await readShotInfo(png)).toMatchObject({ model: 'NIKON D750', exposureTime: 1 / 125, captureTime: NIKON_TIME, width: 20, height: 10 });
    // After the image data, where ImageMagick writes it (exifr stops at IDAT).
    const trailing = await fixture('after-idat.png', pngWithExif(NIKON, 20, 10, 200_000));
    expect(await readShotInfo(trailing)).toMatchObject({ model: 'NIKON D750', exposureTime: 1 / 125, captureTime: NIKON_TIME, width: 20, height: 10 });
    const le = await fixture('le.tif', tiffWithExif(NIKON, 12, 9, true));
    expect(await readShotInfo(le)).toMatchObject({ model: 'NIKON D750', iso: 200, exposureMode: 2, width: 12, height: 9 });
    const be = await fixture('be.tiff', tiffWithExif(NIKON, 7, 5, false));
    expect(await readShotInfo(be)).toMatchObject({ serial: '3012345', focalLength: 24, width: 7, height: 5 });
  });

  it('reads the CMT blocks of a CR3', async () => {
    const path = await fixture('IMG_0001.CR3', cr3WithExif({ ...NIKON, make: 'Canon', model: 'Canon EOS R5', bodySerialNumber: '082021001234' }));
    expect(await readShotInfo(path)).toEqual({
      file: path,
      make: 'Canon',
      model: 'Canon EOS R5',
      serial: '082021001234',
      lensModel: '24.0-70.0 mm f/2.8',
      focalLength: 24,
      exposureTime: 1 / 125,
      fNumber: 8,
      iso: 200,
      exposureBias: expect.closeTo(-2 / 3, 9),
      exposureMode: 2,
      captureTime: NIKON_TIME,
      localTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/),
    });
  });

  it('reads what tells two bodies of one model apart: owner, artist, firmware, lens serial (JPEG and CR3)', async () => {
    const tags: ExifFields = { cameraOwnerName: 'Ben Doe', artist: 'B. Doe', software: 'Firmware Version 1.8.1', lensSerialNumber: '0000c1234' };
    const expected = { owner: 'Ben Doe', artist: 'B. Doe', software: 'Firmware Version 1.8.1', lensSerial: '0000c1234' };
    const jpg = await fixture('owner.jpg', jpegWithExif({ ...NIKON, ...tags }, 24, 16));
    expect(await readShotInfo(jpg)).toMatchObject(expected);
    const cr3 = await fixture('IMG_0009.CR3', cr3WithExif({ ...NIKON, ...tags, make: 'Canon', model: 'Canon EOS R5' }));
    expect(await readShotInfo(cr3)).toMatchObject(expected);
  });

  it('reads the embedded JPEG of a RAF', async () => {
    const path = await fixture('DSCF0001.RAF', rafWithExif({ ...NIKON, make: 'FUJIFILM', model: 'X-T3' }, 32, 24));
    expect(await readShotInfo(path)).toMatchObject({ make: 'FUJIFILM', model: 'X-T3', exposureTime: 1 / 125, captureTime: NIKON_TIME, width: 32, height: 24 });
  });

  it('reads TIFF-based RAW files with a vendor header magic (ORF, RW2)', async () => {
    for (const [name, magic] of [
      ['P0001.ORF', [0x52, 0x4f]],
      ['P0002.RW2', [0x55, 0x00]],
    ] as const) {
      const bytes = tiffWithExif({ ...NIKON, make: 'OLYMPUS' }, 6, 4);
      bytes.set(magic, 2);
      const path = await fixture(name, bytes);
      expect(await readShotInfo(path)).toMatchObject({ make: 'OLYMPUS', exposureTime: 1 / 125, captureTime: NIKON_TIME, width: 6, height: 4 });
    }
  });

  it('resolves a file without EXIF with just its name and size', async () => {
    const jpg = await fixture('plain.jpg', jpegWithExif(undefined, 30, 20));
    expect(await readShotInfo(jpg)).toEqual({ file: jpg, width: 30, height: 20 });
    const png = await fixture('plain.png', pngWithExif(undefined, 9, 4));
    expect(await readShotInfo(png)).toEqual({ file: png, width: 9, height: 4 });
    const tif = await fixture('plain.tif', tiffWithExif(undefined, 5, 3));
    expect(await readShotInfo(tif)).toEqual({ file: tif, width: 5, height: 3 });
    const exr = await fixture('plain.exr', exrOfSize(13, 7));
    expect(await readShotInfo(exr)).toEqual({ file: exr, width: 13, height: 7 });
  });

  it('ignores blank and zeroed dates', async () => {
    const path = await fixture('zero.jpg', jpegWithExif({ model: 'X', dateTimeOriginal: '0000:00:00 00:00:00' }));
    expect(await readShotInfo(path)).toEqual({ file: path, model: 'X', width: 24, height: 16 });
  });
});

describe('readShotInfo: pixel size from headers', () => {
  it('finds a JPEG SOF that big APP segments push past the first 64 KB', async () => {
    const big = new Uint8Array(60_000).fill(0x55);
    const path = await fixture('big-app.jpg', jpegWithExif(NIKON, 40, 30, [jpegSegment(0xe2, big), jpegSegment(0xef, big)]));
    expect(await readShotInfo(path)).toMatchObject({ model: 'NIKON D750', width: 40, height: 30 });
  });

  it('finds a TIFF IFD stored after the image data, past the first 64 KB', async () => {
    const path = await fixture('late-ifd.tif', handTiff([[{ tag: 256, type: 4, value: 5000 }, { tag: 257, type: 3, value: 3000 }]], { padding: 200_000 }));
    expect(await readShotInfo(path)).toEqual({ file: path, width: 5000, height: 3000 });
  });

  it('takes a DNG size from the full-resolution SubIFD, not the IFD0 thumbnail, and reads CameraSerialNumber', async () => {
    const thumb = [
      { tag: 254, type: 4, value: 1 },
      { tag: 256, type: 3, value: 256 },
      { tag: 257, type: 3, value: 171 },
      { tag: 271, type: 2, value: 'Luxfuse' },
      { tag: 272, type: 2, value: 'Test DNG' },
      { tag: 0xc62f, type: 2, value: 'SN-42' },
    ] as const;
    const raw = [
      { tag: 254, type: 4, value: 0 },
      { tag: 256, type: 4, value: 6024 },
      { tag: 257, type: 4, value: 4024 },
    ] as const;
    const path = await fixture('a.dng', handTiff([[...thumb], [...raw]], { subIfds: { 0: [1] } }));
    expect(await readShotInfo(path)).toEqual({ file: path, make: 'Luxfuse', model: 'Test DNG', serial: 'SN-42', width: 6024, height: 4024 });
  });

  it('prefers the EXIF pixel size for RAW files', async () => {
    // A TIFF-based RAW whose IFD0 is a full-size preview of another size than the EXIF says.
    const path = await fixture('IMG_0002.CR2', tiffWithExif(NIKON, 16, 12));
    const tiff = await readShotInfo(path);
    expect(tiff).toMatchObject({ width: 16, height: 12 }); // no PixelXDimension: the header's size
  });
});

describe('readShotInfo: errors name the file and the problem', () => {
  it('rejects a missing file', async () => {
    const path = join(dir, 'street', 'a.jpg');
    await expect(readShotInfo(path)).rejects.toThrow(`cannot read ${path}: no such file`);
    await expect(readShotInfo(path)).rejects.toBeInstanceOf(UnreadableImageError);
    await expect(readShotInfo(path)).rejects.toBeInstanceOf(LuxfuseError);
    await expect(readShotInfo(path)).rejects.toMatchObject({ file: path });
  });

  it('rejects a relative path with the path as given', async () => {
    await expect(readShotInfo('street/a.jpg')).rejects.toThrow('cannot read street/a.jpg: no such file');
  });

  it('rejects a folder, an empty file and a file that is not an image', async () => {
    await mkdir(join(dir, 'folder.jpg'), { recursive: true });
    await expect(readShotInfo(join(dir, 'folder.jpg'))).rejects.toThrow(/folder\.jpg: it is a folder, not an image/);
    const empty = await fixture('empty.jpg', new Uint8Array(0));
    await expect(readShotInfo(empty)).rejects.toThrow(`cannot read ${empty}: the file is empty`);
    const text = await fixture('notes.jpg', new TextEncoder().encode('shopping list'));
    await expect(readShotInfo(text)).rejects.toThrow(`cannot read ${text}: not an image Luxfuse reads`);
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot)(`rejects a file it may not read${isRoot ? ' [skipped: running as root, which reads any file]' : ''}`, async () => {
    const path = await fixture('secret.jpg', jpegWithExif(NIKON));
    await chmod(path, 0o000);
    await expect(readShotInfo(path)).rejects.toThrow(`cannot read ${path}: permission denied`);
  });

  it('resolves a recognisable image whose EXIF block is damaged', async () => {
    const good = jpegWithExif(NIKON, 24, 16);
    const damaged = good.slice();
    // Point IFD0 far outside the file: the pixels are fine, the metadata is not.
    const tiffStart = 2 + 4 + 6;
    damaged.set([0xff, 0xff, 0xff, 0x7f], tiffStart + 4);
    const path = await fixture('damaged.jpg', damaged);
    const info = await readShotInfo(path);
    expect(info).toMatchObject({ file: path, width: 24, height: 16 });
  });
});
