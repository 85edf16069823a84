import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import UTIF from 'utif2';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeExifTiff, exifApp1Segment, type ExifFields } from '../../../../src-shared/codecs/exif-write';
import { toRational } from '../../../../src-shared/codecs/rational';
import { FULL_FIELDS } from '../../helpers/exif-fixtures';
import { encodeTiff } from '../../../../src-shared/codecs/tiff';
import { externalCommand, run, tempDir } from '../../helpers/external-tools';


const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
const tmp = tempDir();
afterAll(tmp.cleanup);

/** exifr's view of the fields: raw numbers and strings, no translation or Date revival. */
async function readWithExifr(bytes: Uint8Array): Promise<Record<string, unknown>> {
  return exifr.parse(bytes, { translateValues: false, reviveValues: false, translateKeys: true, mergeOutput: true });
}

describe('encodeExifTiff', () => {
  it('writes every field so that exifr reads back the same values', async () => {
    const t = await readWithExifr(encodeExifTiff(FULL_FIELDS));
    expect(t.Make).toBe('Canon');
    expect(t.Model).toBe('Canon EOS R5');
    expect(t.Orientation).toBe(6);
    expect(t.Software).toBe('Luxfuse 0.1.0');
    expect(t.Artist).toBe('Jane Doe');
    expect(t.OwnerName).toBe('J. Doe');
    expect(t.LensSerialNumber).toBe('9205001234');
    expect(t.ExposureTime).toBeCloseTo(0.004, 12);
    expect(t.FNumber).toBeCloseTo(2.8, 12);
    expect(t.ISO).toBe(400);
    expect(t.ExposureCompensation).toBeCloseTo(-1 / 3, 12);
    expect(t.ExposureMode).toBe(2);
    expect(t.DateTimeOriginal).toBe('2024:06:01 18:30:05');
    expect(t.SubSecTimeOriginal).toBe('25');
    expect(t.OffsetTimeOriginal).toBe('+02:00');
    expect(t.LensModel).toBe('RF24-70mm F2.8 L IS USM');
    expect(t.FocalLength).toBe(35);
    expect(t.SerialNumber).toBe('012345678901'); // exifr's name for BodySerialNumber (0xA431)
    expect(Array.from(t.ExifVersion as Uint8Array)).toEqual([0x30, 0x32, 0x33, 0x32]); // "0232"
    expect(t.ColorSpace).toBe(1);
  });

  it('stores exact rationals (unsigned) and signed rationals, and puts capture tags in the Exif IFD', () => {
    const bytes = encodeExifTiff(FULL_FIELDS);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x49, 0x49, 42, 0]); // little-endian TIFF
    const [ifd0] = UTIF.decode(bytes.slice().buffer) as unknown as Record<string, unknown>[];
    const exif = ifd0.exifIFD as Record<string, unknown>;
    expect(ifd0.t271).toEqual(['Canon']);
    expect(ifd0.t274).toEqual([6]);
    expect(ifd0.t33434).toBeUndefined(); // not in IFD0
    expect(exif.t33434).toEqual([[1, 250]]);
    expect(exif.t33437).toEqual([[14, 5]]);
    expect(exif.t37380).toEqual([[-1, 3]]); // SRATIONAL: the sign survives
    expect(exif.t37386).toEqual([[35, 1]]);
    expect(exif.t34855).toEqual([400]);
    expect(exif.t41986).toEqual([2]);
    // Tags must be sorted within each IFD.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    for (const at of [view.getUint32(4, true), ifd0.t34665 as unknown as number[]].flat()) {
      const n = view.getUint16(at, true);
      const list = Array.from({ length: n }, (_, i) => view.getUint16(at + 2 + i * 12, true));
      expect(list).toEqual([...list].sort((a, b) => a - b));
    }
  });

  it('writes only the fields given, and no Exif IFD when there are no capture fields', async () => {
    const bytes = encodeExifTiff({ make: 'Nikon', orientation: 1 });
    const [ifd0] = UTIF.decode(bytes.slice().buffer) as unknown as Record<string, unknown>[];
    expect(ifd0.t34665).toBeUndefined();
    expect(await readWithExifr(bytes)).toMatchObject({ Make: 'Nikon', Orientation: 1 });
    expect(await readWithExifr(encodeExifTiff({ exposureBias: 0.7, exposureTime: 30 }))).toMatchObject({
      ExposureCompensation: 0.7,
      ExposureTime: 30,
    });
  });

  it('keeps non-ASCII text as UTF-8', async () => {
    const t = await readWithExifr(encodeExifTiff({ lensModel: 'Objektiv 50mm ƒ/1.4 – Ø', make: 'Ü' }));
    expect(t.LensModel).toBe('Objektiv 50mm ƒ/1.4 – Ø');
  });

  it('rejects invalid values with RangeError', () => {
    const bad: ExifFields[] = [
      { exposureTime: -1 }, { exposureTime: 0 }, { fNumber: NaN }, { iso: 0 }, { orientation: 9 },
      { exposureMode: 3 as 2 }, { dateTimeOriginal: '2024-06-01 18:30:05' }, { offsetTimeOriginal: '2:00' },
      { subSecTimeOriginal: '.25' }, { focalLength: -5 }, { exposureBias: Infinity },
    ];
    for (const f of bad) expect(() => encodeExifTiff(f), JSON.stringify(f)).toThrow(RangeError);
  });

  it('makes an APP1 payload: "Exif\\0\\0" then the TIFF structure', () => {
    const app1 = exifApp1Segment({ make: 'Sony' });
    expect(Array.from(app1.subarray(0, 6))).toEqual([0x45, 0x78, 0x69, 0x66, 0, 0]);
    expect(app1.subarray(6)).toEqual(encodeExifTiff({ make: 'Sony' }));
  });

  it.skipIf(exiftool.skip)(exiftool.title('exiftool reads every field from a TIFF with EXIF and finds nothing to warn about'), () => {
    exiftool.requireAvailable();
    const path = join(tmp.dir, 'exif.tif');
    writeFileSync(path, encodeTiff({ width: 4, height: 2, channels: 3, bits: 16, data: new Uint16Array(24), exif: FULL_FIELDS }));
    const [t] = JSON.parse(run('exiftool', ['-j', '-n', path]).stdout);
    expect(t).toMatchObject({
      Make: 'Canon',
      Model: 'Canon EOS R5',
      Orientation: 6,
      Software: 'Luxfuse 0.1.0',
      Artist: 'Jane Doe',
      OwnerName: 'J. Doe',
      LensSerialNumber: 9205001234,
      ExposureTime: 0.004,
      FNumber: 2.8,
      ISO: 400,
      ExposureMode: 2,
      DateTimeOriginal: '2024:06:01 18:30:05',
      SubSecTimeOriginal: 25,
      OffsetTimeOriginal: '+02:00',
      LensModel: 'RF24-70mm F2.8 L IS USM',
      FocalLength: 35,
      SerialNumber: '012345678901',
      ExifVersion: '0232',
    });
    expect(t.ExposureCompensation).toBeCloseTo(-1 / 3, 6);
    // Counts of errors, warnings and minor warnings in exiftool's structural check.
    expect(JSON.parse(run('exiftool', ['-j', '-n', '-validate', path]).stdout)[0].Validate).toBe('0 0 0');
  });
});

describe('toRational', () => {
  it('finds exact fractions for camera values', () => {
    expect(toRational(1 / 8000, false)).toEqual([1, 8000]);
    expect(toRational(0.3, false)).toEqual([3, 10]);
    expect(toRational(1.3, false)).toEqual([13, 10]);
    expect(toRational(-2 / 3, true)).toEqual([-2, 3]);
    expect(toRational(0, true)).toEqual([0, 1]);
    expect(toRational(30, false)).toEqual([30, 1]);
  });

  it('approximates irrational values closely within 32 bits', () => {
    const [n, d] = toRational(Math.PI, false);
    expect(d).toBeLessThanOrEqual(0xffffffff);
    expect(Math.abs(n / d - Math.PI)).toBeLessThan(1e-11);
  });

  it('rejects negatives for unsigned and out-of-range values', () => {
    expect(() => toRational(-1, false)).toThrow(RangeError);
    expect(() => toRational(2 ** 33, false)).toThrow(RangeError);
    expect(() => toRational(NaN, true)).toThrow(RangeError);
  });
});
