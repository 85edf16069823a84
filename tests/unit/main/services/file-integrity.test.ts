/**
 * The structural check import makes of every file (readImportShot, file-integrity.ts): files cut short or misnamed
 * are refused with the reason, as the merge's decoder would refuse them, though their headers (EXIF included) read;
 * whole files pass, with what cameras and phones append after a JPEG's end. Fixtures are written here by the
 * project's own writers and cut.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImportShot, readShotInfo, UnmergeableFileError } from '../../../../src-main/services/exif';
import { readFrame } from '../../../../src-main/services/frames';
import { stopRawDecoder } from '../../../../src-main/services/raw-decode';
import type { ExifFields } from '../../../../src-shared/codecs/exif-write';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { encodePng } from '../../../../src-shared/codecs/png';
import { encodeTiff } from '../../../../src-shared/codecs/tiff';
import { writeDng } from '../../helpers/dng-writer';
import { greyTiffPages } from '../../helpers/tiff-pages';
import { exrAttributes } from '../../helpers/fuzz';
import { externalCommand, run } from '../../helpers/external-tools';
import { testImage } from '../../helpers/test-images';
import { jpegWithExif } from './shot-fixtures';

const exrmaketiled = externalCommand('exrmaketiled', 'openexr');
const W = 96;
const H = 64;
const EXIF: ExifFields = { make: 'Luxfuse', model: 'Test', exposureTime: 1 / 60, fNumber: 8, iso: 100, dateTimeOriginal: '2026:01:01 12:00:00' };

function rgba(): Uint8ClampedArray {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 7) * 11) & 255;
  return data;
}

function rgb(): Uint8Array {
  const data = new Uint8Array(W * H * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13 + (i >> 9)) & 255;
  return data;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
/** Bytes with no 0xFF among them, so no end-of-image marker by chance. */
const noMarkers = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 255);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-integrity-'));
});
afterAll(() => {
  stopRawDecoder();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** readImportShot's error message, or 'ok'. */
async function importVerdict(path: string): Promise<string> {
  try {
    await readImportShot(path);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(UnmergeableFileError);
    return (error as Error).message;
  }
}

/** Where the image data begins: after a JPEG's first scan header, a PNG's first IDAT header, at a TIFF's first strip. */
function dataStart(bytes: Uint8Array, ext: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ext === 'jpg') {
    let at = 2;
    while (bytes[at + 1] !== 0xda) at += 2 + view.getUint16(at + 2);
    return at + 2 + view.getUint16(at + 2);
  }
  if (ext === 'png') return Buffer.from(bytes).indexOf('IDAT') + 4;
  const le = bytes[0] === 0x49;
  const ifd = view.getUint32(4, le);
  for (let e = ifd + 2; e < ifd + 2 + view.getUint16(ifd, le) * 12; e += 12) {
    if (view.getUint16(e, le) === 273) return view.getUint32(view.getUint32(e + 4, le) > 1 ? view.getUint32(e + 8, le) : e + 8, le);
  }
  throw new Error('no strips');
}

/** Points a copy might stop at, all inside the image data: near the end, at 90 %, halfway, just after it begins. */
const cutsOf = (bytes: Uint8Array, ext: string): number[] => {
  const start = dataStart(bytes, ext);
  return [...new Set([bytes.length - 10, Math.floor(bytes.length * 0.9), Math.floor(bytes.length / 2), start + 20])].filter((c) => c > start);
};

describe('readImportShot refuses a file cut short, though its headers read', () => {
  const formats: [string, string, () => Uint8Array, RegExp][] = [
    ['JPEG (our encoder, restart markers)', 'jpg', () => encodeJpeg({ width: W, height: H, data: rgba() }, { quality: 90, exif: EXIF }), /: truncated or corrupt JPEG: the file ends before its end-of-image marker \(part of the picture is missing\), so it cannot be merged and is in no bracket$/],
    ['JPEG (jpeg-js)', 'jpg', () => jpegWithExif(EXIF, W, H), /: truncated or corrupt JPEG: the file ends before its end-of-image marker/],
    ['PNG', 'png', () => encodePng({ width: W, height: H, channels: 3, bits: 8, data: rgb() }), /: truncated or corrupt PNG: (the IDAT chunk runs past the end of the file|the file ends before its IEND chunk), so it cannot be merged and is in no bracket$/],
    ['TIFF (strips)', 'tif', () => encodeTiff({ width: W, height: H, channels: 3, bits: 8, data: rgb(), exif: EXIF }), /: truncated or corrupt TIFF: strip \d+ runs past the end of the file, so it cannot be merged and is in no bracket$/],
    ['TIFF (Deflate strips)', 'tif', () => encodeTiff({ width: W, height: H, channels: 3, bits: 16, data: Uint16Array.from(rgb(), (v) => v * 257), compression: 'deflate', rowsPerStrip: 8 }), /: truncated or corrupt TIFF: strip \d+ runs past the end of the file/],
  ];
  it.each(formats)('%s: at every cut in its data, with the reason; the merge refuses it too; the whole file passes', async (_label, ext, make, reason) => {
    const whole = make();
    expect(await importVerdict(write(`whole.${ext}`, whole))).toBe('ok');
    for (const cut of cutsOf(whole, ext)) {
      const path = write(`cut-${cut}.${ext}`, whole.subarray(0, cut));
      await expect(readShotInfo(path)).resolves.toMatchObject({ width: W, height: H }); // the headers read: not caught before
      const verdict = await importVerdict(path);
      expect(verdict, `cut at ${cut} of ${whole.length}`).toMatch(reason);
      expect(verdict.startsWith(`${path}: `)).toBe(true);
      await expect(readFrame(path), `merge of the cut at ${cut}`).rejects.toThrow(path);
    }
    // Cut within the last bytes, the end marker among them: refused exactly when the merge refuses it.
    for (const cut of [whole.length - 1, whole.length - 2, whole.length - 3]) {
      const path = write(`end-${cut}.${ext}`, whole.subarray(0, cut));
      const merges = await readFrame(path).then(() => true, () => false);
      expect(await importVerdict(path), `cut at ${cut} of ${whole.length}`).toMatch(merges ? /^ok$/ : reason);
    }
  });

  it('a JPEG missing only its end-of-image marker passes where libjpeg-turbo reads all its data, as the merge does, and is refused where jpeg-js decodes', async () => {
    // jpeg-js's encoder ends its data with padding: without the last two bytes (FF D9) every block is still there.
    const whole = jpegWithExif(EXIF, W, H);
    const path = write('no-eoi.jpg', whole.subarray(0, whole.length - 2));
    expect(await importVerdict(path)).toBe('ok');
    await expect(readFrame(path)).resolves.toMatchObject({ width: W, height: H });
    const saved = process.env.LUXFUSE_JPEG_DECODER;
    process.env.LUXFUSE_JPEG_DECODER = 'js';
    try {
      expect(await importVerdict(path)).toBe(`${path}: truncated or corrupt JPEG: the file ends before its end-of-image marker, so it cannot be merged and is in no bracket`);
      await expect(readFrame(path)).rejects.toThrow(/the file ends before its end-of-image marker: it is cut short/);
    } finally {
      if (saved === undefined) delete process.env.LUXFUSE_JPEG_DECODER;
      else process.env.LUXFUSE_JPEG_DECODER = saved;
    }
  });
});

describe('readImportShot refuses an EXR cut short', () => {
  it.each(['zip', 'piz', 'none'] as const)('%s: cut in its pixel data or its offset table, with the reason the merge gives; the whole file passes', async (compression) => {
    const whole = encodeExr(testImage(W, H, 3, 5), { compression });
    expect(await importVerdict(write(`whole-${compression}.exr`, whole))).toBe('ok');
    const tableAt = exrAttributes(whole).tableAt;
    for (const cut of [whole.length - 1, Math.floor(whole.length * 0.6), tableAt + 20, tableAt + 4]) {
      const path = write(`cut-${compression}-${cut}.exr`, whole.subarray(0, cut));
      await expect(readShotInfo(path)).resolves.toMatchObject({ width: W, height: H }); // the header reads
      const verdict = await importVerdict(path);
      expect(verdict, `cut at ${cut} of ${whole.length}`).toMatch(
        /^.*: truncated or corrupt EXR: (chunk for scanline -?\d+ runs past the end of the file|chunk \d+ lies outside the file|offset table runs past the end of the file), so it cannot be merged and is in no bracket$/,
      );
      expect(verdict.startsWith(`${path}: `)).toBe(true);
      await expect(readFrame(path)).rejects.toThrow(/truncated or corrupt EXR/);
    }
  });

  it.skipIf(exrmaketiled.skip)(exrmaketiled.title('a tiled EXR (exrmaketiled, mipmapped): cut in its last tile or its offset table; the whole file passes'), async () => {
    exrmaketiled.requireAvailable();
    const src = write('to-tile.exr', encodeExr(testImage(W, H, 3, 5)));
    const tiled = join(dir, 'tiled.exr');
    run('exrmaketiled', ['-t', '32', '16', '-z', 'zip', '-m', src, tiled]);
    const whole = new Uint8Array(readFileSync(tiled));
    expect(await importVerdict(tiled)).toBe('ok');
    expect((await readFrame(tiled)).width).toBe(W);
    const tableAt = exrAttributes(whole).tableAt;
    // The full-resolution level is stored first, the smaller levels after it: cut near the start of the pixel data.
    for (const cut of [tableAt + 12 * 8 + 60, tableAt + 20]) {
      const path = write(`tiled-cut-${cut}.exr`, whole.subarray(0, cut));
      const verdict = await importVerdict(path);
      expect(verdict, `cut at ${cut} of ${whole.length}`).toMatch(
        /: truncated or corrupt EXR: (chunk for tile \d+,\d+ runs past the end of the file|chunk \d+ lies outside the file|offset table runs past the end of the file), so it cannot be merged/,
      );
      await expect(readFrame(path)).rejects.toThrow(/truncated or corrupt EXR/);
    }
  });
});

describe('readImportShot passes whole files', () => {
  it('JPEGs with bytes after their end-of-image marker: a trailer, a second image (MPF), zero padding, a long video-like tail', async () => {
    const jpeg = encodeJpeg({ width: W, height: H, data: rgba() }, { quality: 90, exif: EXIF });
    const cases: [string, Uint8Array][] = [
      ['trailer.jpg', concat(jpeg, noMarkers(3000))],
      ['mpf.jpg', concat(jpeg, jpegWithExif(undefined, 32, 24))],
      ['padded.jpg', concat(jpeg, new Uint8Array(100_000))],
      // Longer than the tail looked at first: the file is read through to find the marker.
      ['motion-photo.jpg', concat(jpeg, noMarkers(300_000))],
      ['jpeg-named.png', jpeg], // decoded by what it holds, not its name
    ];
    for (const [name, bytes] of cases) {
      const path = write(name, bytes);
      expect(await importVerdict(path), name).toBe('ok');
      await expect(readFrame(path), name).resolves.toMatchObject({ width: W, height: H });
    }
    // Cut short and then given a trailer: still no end-of-image marker after the image data.
    const cut = write('cut-trailer.jpg', concat(jpeg.subarray(0, jpeg.length >> 1), noMarkers(100_000)));
    expect(await importVerdict(cut)).toMatch(/before its end-of-image marker/);
  });

  it('a PNG with data after IEND, a 16-bit TIFF, and DNGs made by the project\'s writer, with and without a preview (each refused cut in half)', async () => {
    const png = encodePng({ width: W, height: H, channels: 3, bits: 8, data: rgb() });
    const tiff16 = encodeTiff({ width: W, height: H, channels: 3, bits: 16, data: Uint16Array.from(rgb(), (v) => v * 257), exif: EXIF });
    const scene = (x: number, y: number): [number, number, number] => [0.05 + x / 200, 0.1 + y / 200, 0.3];
    const files: [string, Uint8Array][] = [
      ['after-iend.png', concat(png, noMarkers(500))],
      ['16-bit.tif', tiff16],
      ['preview.dng', writeDng({ width: 64, height: 48, scene, exif: EXIF })],
      ['no-preview.dng', writeDng({ width: 64, height: 48, scene, exif: EXIF, thumbnail: false })],
      ['dng-named.tif', writeDng({ width: 64, height: 48, scene, exif: EXIF })],
    ];
    for (const [name, bytes] of files) {
      expect(await importVerdict(write(name, bytes)), name).toBe('ok');
      // The same file cut in half is refused: the check looked at it.
      expect(await importVerdict(write(`half-${name}`, bytes.subarray(0, bytes.length >> 1))), `half of ${name}`).toMatch(/truncated or corrupt (PNG|TIFF|DNG)/);
    }
  });
});

describe('readImportShot on camera RAW', () => {
  const scene = (x: number, y: number): [number, number, number] => [0.05 + x / 200, 0.1 + y / 200, 0.3];

  it('checks the image a TIFF/EP file keeps below its thumbnail (SubIFDs), not the thumbnail: cut in that image, it is refused', async () => {
    const level = (x: number, y: number): number => (x * 5 + y * 3) & 255;
    const whole = greyTiffPages([{ width: 8, height: 4, level, newSubfileType: 1, subIfds: [{ width: W, height: H, level }] }]);
    expect(await importVerdict(write('ep-whole.tif', whole))).toBe('ok');
    expect((await readFrame(join(dir, 'ep-whole.tif'))).width).toBe(W);
    // The full image's strip is the last thing in the file.
    const path = write('ep-cut.tif', whole.subarray(0, whole.length - 100));
    expect(await importVerdict(path)).toMatch(/: truncated or corrupt TIFF: strip 0 runs past the end of the file/);
    await expect(readFrame(path)).rejects.toThrow(/strip 0 runs past the end of the file/);
  });

  it('refuses a DNG whose raw image data or raw directory the file ends before; passes one cut only in its preview, which LibRaw reads', async () => {
    // Our writer puts the raw image first, then the 8-bit preview (IFD0's strip).
    const dng = writeDng({ width: 64, height: 48, scene, exif: EXIF });
    const previewOnly = write('preview-cut.dng', dng.subarray(0, dng.length - 100));
    expect(await importVerdict(previewOnly)).toBe('ok');
    await expect(readFrame(previewOnly)).resolves.toMatchObject({ width: 64, height: 48 });
    for (const cut of [Math.floor(dng.length * 0.9), dng.length >> 1, 2000]) {
      const path = write(`raw-cut-${cut}.dng`, dng.subarray(0, cut));
      expect(await importVerdict(path), `cut at ${cut}`).toBe(`${path}: truncated or corrupt DNG: strip 0 of its raw image runs past the end of the file, so it cannot be merged and is in no bracket`);
      await expect(readFrame(path)).rejects.toThrow(/end of file/);
    }
    // Cut inside the SubIFD that describes the raw image.
    const early = write('subifd-cut.dng', dng.subarray(0, 600));
    expect(await importVerdict(early)).toBe(`${early}: truncated or corrupt DNG: the file ends before the directory of its raw image, so it cannot be merged and is in no bracket`);
    await expect(readFrame(early)).rejects.toThrow(/end of file/);
  });

  it('goes by a DNG\'s geometry and offsets, as LibRaw does, not by byte counts: a count past the end with the data all there passes', async () => {
    const dng = writeDng({ width: 64, height: 48, scene, exif: EXIF, thumbnail: false });
    const view = new DataView(dng.buffer, dng.byteOffset, dng.byteLength);
    // The raw image's SubIFD: the one IFD0's tag 330 points at; its StripByteCounts (279) made 1 MB.
    const ifd0 = view.getUint32(4, true);
    const entryOf = (ifd: number, tag: number): number => {
      for (let e = ifd + 2; e < ifd + 2 + view.getUint16(ifd, true) * 12; e += 12) if (view.getUint16(e, true) === tag) return e;
      throw new Error(`no tag ${tag}`);
    };
    const sub = view.getUint32(entryOf(ifd0, 330) + 8, true);
    view.setUint32(entryOf(sub, 279) + 8, 1 << 20, true);
    const path = write('big-count.dng', dng);
    expect(await importVerdict(path)).toBe('ok');
    await expect(readFrame(path)).resolves.toMatchObject({ width: 64, height: 48 });
    // The same file one byte short still reads (LibRaw rounds up a last odd byte); two bytes short does not.
    const oneShort = write('one-short.dng', dng.subarray(0, dng.length - 1));
    expect(await importVerdict(oneShort)).toBe('ok');
    await expect(readFrame(oneShort)).resolves.toMatchObject({ width: 64, height: 48 });
    const twoShort = write('two-short.dng', dng.subarray(0, dng.length - 2));
    expect(await importVerdict(twoShort)).toMatch(/truncated or corrupt DNG: strip 0 of its raw image runs past the end of the file/);
    await expect(readFrame(twoShort)).rejects.toThrow(/end of file/);
  });

  it('refuses a JPEG or PNG named as camera RAW (LibRaw reads neither), and a BigTIFF, saying how it would merge', async () => {
    const jpeg = write('photo.nef', encodeJpeg({ width: W, height: H, data: rgba() }, { exif: EXIF }));
    expect(await importVerdict(jpeg)).toBe(`${jpeg}: it holds a JPEG image, not the camera RAW its name (.nef) says (LibRaw, which reads files named .nef, reads no JPEG; named .jpg it would merge), so it cannot be merged and is in no bracket`);
    await expect(readFrame(jpeg)).rejects.toThrow(`${jpeg}: it holds a JPEG image, not the camera RAW its name (.nef) says`);
    const png = write('export.DNG', encodePng({ width: W, height: H, channels: 3, bits: 8, data: rgb() }));
    expect(await importVerdict(png)).toMatch(/: it holds a PNG image, not the camera RAW its name \(\.dng\) says .*named \.png it would merge\)/);
    const big = write('big.tif', Uint8Array.from([0x49, 0x49, 43, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(await importVerdict(big)).toMatch(/: it is a BigTIFF \(64-bit offsets\), which Luxfuse does not read/);
    await expect(readFrame(big)).rejects.toThrow(/BigTIFF/);
  });
});
