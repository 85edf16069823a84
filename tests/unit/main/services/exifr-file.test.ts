/**
 * exifr through exifr-file.ts: the file it opens is closed whatever it finds. exifr's own thumbnail() leaves
 * the handle open when a file has no thumbnail (MikeKovarik/exifr#111), which is how the library's
 * thumbnails leaked a descriptor per PNG until garbage collection (DEP0137).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exifrParse, exifrThumbnail } from '../../../../src-main/services/exifr-file';
import { externalCommand, run } from '../../helpers/external-tools';
import { jpegWithExif, pngWithExif, tiffWithExif } from './shot-fixtures';

const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
const FIELDS = { make: 'Luxfuse', model: 'Test', exposureTime: 1 / 60 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'luxfuse-exifr-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

const openFiles = () => readdirSync('/proc/self/fd').length;

describe('exifr-file', () => {
  it.skipIf(!existsSync('/proc/self/fd'))('closes the file whatever exifr finds (Linux: counts /proc/self/fd)', async () => {
    const files = [
      await file('no-thumb.jpg', jpegWithExif(FIELDS)),
      await file('plain.jpg', jpegWithExif(undefined)),
      await file('a.png', pngWithExif(FIELDS)),
      await file('a.tif', tiffWithExif(FIELDS)),
      await file('junk.jpg', 'shopping list, not a photo'),
    ];
    // A leaked handle stays open until a collection, which 25 quick calls a file do not wait for.
    const before = openFiles();
    for (let round = 0; round < 5; round++) {
      for (const path of files) {
        await exifrThumbnail(path).catch(() => undefined);
        await exifrParse(path, { pick: ['Make'] }).catch(() => undefined);
      }
    }
    expect(openFiles()).toBe(before);
  });

  it('reads what exifr reads: tags, no thumbnail where there is none, and its errors', async () => {
    const jpeg = await file('tags.jpg', jpegWithExif(FIELDS));
    expect(await exifrParse(jpeg, { pick: ['Make', 'Model'] })).toEqual(await exifr.parse(jpeg, { pick: ['Make', 'Model'] }));
    expect(await exifrParse(jpeg, { pick: ['Make', 'Model'] })).toEqual({ Make: 'Luxfuse', Model: 'Test' });
    expect(await exifrThumbnail(jpeg)).toBeUndefined();
    expect(await exifrThumbnail(await file('b.png', pngWithExif(undefined)))).toBeUndefined();
    const junk = await file('junk2.jpg', 'shopping list, not a photo');
    await expect(exifrParse(junk, {})).rejects.toThrow(/Unknown file format/);
    await expect(exifrThumbnail(join(dir, 'missing.jpg'))).rejects.toThrow(/ENOENT/);
  });

  it.skipIf(exiftool.skip)(exiftool.title('gives the EXIF thumbnail exiftool embedded, byte for byte'), async () => {
    exiftool.requireAvailable();
    const thumb = await file('thumb.jpg', jpegWithExif(undefined, 16, 12));
    const path = await file('with-thumb.jpg', jpegWithExif(FIELDS, 64, 48));
    run('exiftool', ['-q', '-overwrite_original', `-ThumbnailImage<=${thumb}`, path]);
    const got = await exifrThumbnail(path);
    expect(got).toBeDefined();
    expect(Buffer.from(got!).equals(Buffer.from(jpegWithExif(undefined, 16, 12)))).toBe(true);
    expect(Buffer.from(got!).equals(Buffer.from((await exifr.thumbnail(path))!))).toBe(true);
  });
});
