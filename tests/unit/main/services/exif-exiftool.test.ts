/** Cross-checks readShotInfo against files tagged by an independent writer, exiftool (Debian libimage-exiftool-perl). */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShotInfo } from '../../../../src-main/services/exif';
import { externalCommand, run } from '../../helpers/external-tools';
import { jpegWithExif, pngWithExif, tiffWithExif } from './shot-fixtures';

const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'luxfuse-exiftool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tagged(name: string, bytes: Uint8Array, tags: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  run('exiftool', ['-q', '-overwrite_original', ...tags, path]);
  return path;
}

const SONY_TAGS = [
  '-Make=SONY',
  '-Model=ILCE-7RM4',
  '-SerialNumber=4711',
  '-LensModel=FE 24-70mm F2.8 GM',
  '-FocalLength=35',
  '-ExposureTime=1/60',
  '-FNumber=5.6',
  '-ISO=400',
  '-ExposureCompensation=+1.3',
  '-ExposureMode=Auto bracket',
  '-DateTimeOriginal=2023:12:31 23:59:59',
  '-SubSecTimeOriginal=123',
  '-OffsetTimeOriginal=-05:00',
];
const SONY = {
  make: 'SONY',
  model: 'ILCE-7RM4',
  serial: '4711',
  lensModel: 'FE 24-70mm F2.8 GM',
  focalLength: 35,
  exposureTime: 1 / 60,
  fNumber: 5.6,
  iso: 400,
  exposureBias: 1.3,
  exposureMode: 2,
  captureTime: Date.UTC(2024, 0, 1, 4, 59, 59) + 123,
  localTime: '2023-12-31T23:59:59.123-05:00',
};

describe.skipIf(exiftool.skip)('readShotInfo on exiftool-tagged files', () => {
  it(exiftool.title('reads a JPEG tagged by exiftool'), async () => {
    exiftool.requireAvailable();
    const path = await tagged('sony.jpg', jpegWithExif(undefined, 24, 16), SONY_TAGS);
    expect(await readShotInfo(path)).toEqual({ file: path, ...SONY, width: 24, height: 16 });
  });

  it(exiftool.title('reads a PNG and a big-endian TIFF tagged by exiftool'), async () => {
    exiftool.requireAvailable();
    const png = await tagged('sony.png', pngWithExif(undefined, 8, 6), SONY_TAGS);
    expect(await readShotInfo(png)).toEqual({ file: png, ...SONY, width: 8, height: 6 });
    const tif = await tagged('sony.tif', tiffWithExif(undefined, 6, 5, false), SONY_TAGS);
    expect(await readShotInfo(tif)).toEqual({ file: tif, ...SONY, width: 6, height: 5 });
  });

  it(exiftool.title('takes the capture time from DateTimeDigitized where DateTimeOriginal is missing'), async () => {
    exiftool.requireAvailable();
    const path = await tagged('digitized.jpg', jpegWithExif(undefined), ['-CreateDate=2025:06:01 10:00:02', '-SubSecTimeDigitized=25', '-OffsetTimeDigitized=+02:00']);
    expect(await readShotInfo(path)).toMatchObject({ captureTime: Date.UTC(2025, 5, 1, 8, 0, 2) + 250, localTime: '2025-06-01T10:00:02.25+02:00' });
    // DateTimeOriginal, where it is, wins.
    const both = await tagged('both.jpg', jpegWithExif(undefined), ['-CreateDate=2025:06:01 10:00:02', '-DateTimeOriginal=2025:06:01 09:00:00', '-OffsetTimeOriginal=+00:00']);
    expect(await readShotInfo(both)).toMatchObject({ captureTime: Date.UTC(2025, 5, 1, 9, 0, 0) });
  });

  it(exiftool.title('reads whether the flash fired'), async () => {
    exiftool.requireAvailable();
    const fired = await tagged('flash.jpg', jpegWithExif(undefined), ['-EXIF:Flash#=25']); // fired, auto
    const off = await tagged('noflash.jpg', jpegWithExif(undefined), ['-EXIF:Flash#=16']); // off, did not fire
    const none = await tagged('unsaid.jpg', jpegWithExif(undefined), ['-ISO=100']);
    expect((await readShotInfo(fired)).flashFired).toBe(true);
    expect((await readShotInfo(off)).flashFired).toBe(false);
    expect((await readShotInfo(none)).flashFired).toBeUndefined();
  });

  it(exiftool.title('takes ISO above 65535 from RecommendedExposureIndex'), async () => {
    exiftool.requireAvailable();
    const path = await tagged('night.jpg', jpegWithExif(undefined), ['-ISO=65535', '-SensitivityType=2', '-RecommendedExposureIndex=102400', '-ExposureTime=1/30']);
    expect(await readShotInfo(path)).toMatchObject({ iso: 102400, exposureTime: 1 / 30 });
  });

  it(exiftool.title('takes a RAW file size from EXIF PixelXDimension, other files from their header'), async () => {
    exiftool.requireAvailable();
    const tags = ['-ExifImageWidth=6016', '-ExifImageHeight=4016', '-Model=NIKON D750'];
    const tif = await tagged('preview.tif', tiffWithExif(undefined, 12, 9), tags);
    expect(await readShotInfo(tif)).toMatchObject({ width: 12, height: 9 });
    const nef = join(dir, 'DSC_0001.NEF');
    await rename(tif, nef);
    expect(await readShotInfo(nef)).toMatchObject({ model: 'NIKON D750', width: 6016, height: 4016 });
  });

  it(exiftool.title('reads a DNG CameraSerialNumber when there is no BodySerialNumber'), async () => {
    exiftool.requireAvailable();
    const path = await tagged('a.tif', tiffWithExif(undefined, 4, 4), ['-CameraSerialNumber=SN-9', '-Make=Pentax']);
    expect(await readShotInfo(path)).toMatchObject({ make: 'Pentax', serial: 'SN-9' });
  });
});
