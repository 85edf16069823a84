/**
 * RAW decoding through LibRaw (libraw-wasm) in a worker: DNGs of a known chart (tests/unit/helpers/dng-writer.ts)
 * decode to the chart's linear Rec.709 values, with metadata, previews, clear errors and no memory growth.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureRawDecoder, decodeRaw, extractRawThumbnail, rawDecoderStats, readRawMetadata, stopRawDecoder,
} from '../../../../src-main/services/raw-decode';
import { readFrame } from '../../../../src-main/services/frames';
import { readImportShot } from '../../../../src-main/services/exif';
import { fileKind } from '../../../../src-shared/bracket/file-kind';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { encodePng } from '../../../../src-shared/codecs/png';
import { DecodeError } from '../../../../src-shared/errors';
import { checkMonochromeRaw, rawToLinearImage } from '../../../../src-shared/codecs/raw-image';
import { evFromSettings, type LinearImage } from '../../../../src-shared/image/linear-image';
import {
  CHART_HEIGHT, CHART_PATCHES, CHART_WIDTH, chartScene, patchMean, THUMB_SCALE, writeDng, type DngOptions, type Rgb,
} from '../../helpers/dng-writer';
import { externalCommand, run } from '../../helpers/external-tools';
import { tiffEntries, writeUint } from '../../helpers/fuzz';

const EXIF = { exposureTime: 1 / 125, fNumber: 5.6, iso: 200, make: 'Luxfuse', model: 'Chart Cam', dateTimeOriginal: '2026:03:14 15:09:26' };
const chart = (opts: Partial<DngOptions> = {}): Uint8Array =>
  writeDng({ width: CHART_WIDTH, height: CHART_HEIGHT, scene: chartScene, exif: EXIF, ...opts });
const patch = (name: string) => CHART_PATCHES.find((p) => p.name === name)!;
const mean = (img: LinearImage, name: string, scale = 1): Rgb => patchMean(img, patch(name), scale);

let dir: string;
let full: LinearImage;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-raw-'));
  full = await decodeRaw(chart(), 'chart.dng');
});
afterAll(() => {
  stopRawDecoder();
  rmSync(dir, { recursive: true, force: true });
});

describe('decodeRaw on a DNG of a known chart', () => {
  it('returns linear RGB at the sensor size, marked linear with white level 1', () => {
    expect([full.width, full.height, full.channels]).toEqual([CHART_WIDTH, CHART_HEIGHT, 3]);
    expect(full.meta).toMatchObject({ sourceName: 'chart.dng', sourceTransfer: 'linear', sourceBits: 16, clipLevel: 1 });
  });

  it('applies the camera white balance: grey patches decode to R = G = B at the chart value', () => {
    for (const name of ['grey10', 'grey20', 'grey40', 'grey80']) {
      const rgb = mean(full, name);
      const want = patch(name).rgb[0];
      for (const v of rgb) expect(Math.abs(v / want - 1)).toBeLessThan(0.005);
    }
  });

  it('is linear: a patch with twice the light decodes to twice the value, within 1 %', () => {
    const g = ['grey10', 'grey20', 'grey40', 'grey80'].map((n) => mean(full, n)[1]);
    for (let i = 1; i < g.length; i++) expect(Math.abs(g[i] / g[i - 1] / 2 - 1)).toBeLessThan(0.01);
  });

  it('converts camera colour to Rec.709 through the DNG colour matrix', () => {
    for (const name of ['orange', 'teal', 'blue']) {
      const got = mean(full, name);
      patch(name).rgb.forEach((want, c) => expect(Math.abs(got[c] - want)).toBeLessThan(0.01 * want + 0.002));
    }
  });

  it('maps the white level to 1.0, clipped highlights neutral', () => {
    for (const v of mean(full, 'clipped')) expect(v).toBeCloseTo(1, 3);
    let max = 0;
    for (const v of full.data) max = Math.max(max, v);
    expect(max).toBeLessThanOrEqual(1);
  });

  it('subtracts the black level and scales by white minus black, whatever they are', async () => {
    const twelveBit = await decodeRaw(chart({ black: 256, white: 4095 }), 'twelve.dng');
    const noBlack = await decodeRaw(chart({ black: 0, white: 65535 }), 'zero.dng');
    for (const img of [twelveBit, noBlack]) {
      for (const name of ['grey10', 'grey40', 'orange']) {
        const got = mean(img, name);
        patch(name).rgb.forEach((want, c) => expect(Math.abs(got[c] - want)).toBeLessThan(0.01 * want + 0.003));
      }
    }
  });

  it('decodes half size with half the dimensions and the same patch values', async () => {
    const half = await decodeRaw(chart(), 'chart.dng', { halfSize: true });
    expect([half.width, half.height]).toEqual([CHART_WIDTH / 2, CHART_HEIGHT / 2]);
    for (const name of ['grey10', 'grey40', 'orange', 'clipped']) {
      const a = mean(half, name, 0.5);
      const b = mean(full, name);
      for (let c = 0; c < 3; c++) expect(Math.abs(a[c] / b[c] - 1)).toBeLessThan(0.01);
    }
  });

  it('reads exposure, camera and capture time from the file itself', () => {
    expect(full.meta).toMatchObject({ exposureTime: 1 / 125, fNumber: 5.6, iso: 200, make: 'Luxfuse', model: 'Chart Cam' });
    expect(full.meta.dateTimeOriginal).toBe('2026-03-14T15:09:26');
    expect(full.ev).toBeCloseTo(evFromSettings(1 / 125, 200, 5.6), 6);
  });

  const dcraw = externalCommand('dcraw_emu', 'libraw-bin');
  it.skipIf(dcraw.skip)(dcraw.title('agrees with Debian LibRaw (dcraw_emu -w -4 -o 1) sample for sample'), () => {
    dcraw.requireAvailable();
    const dng = join(dir, 'reference.dng');
    writeFileSync(dng, chart());
    run('dcraw_emu', ['-w', '-4', '-o', '1', '-c', '0', '-Z', join(dir, 'reference.ppm'), dng]);
    const ppm = readFileSync(join(dir, 'reference.ppm'));
    const header = /^P6\s+(\d+)\s+(\d+)\s+65535\s/.exec(ppm.subarray(0, 32).toString('latin1'))!;
    expect([Number(header[1]), Number(header[2])]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    let worst = 0;
    for (let i = 0; i < full.data.length; i++) worst = Math.max(worst, Math.abs(ppm.readUInt16BE(header[0].length + 2 * i) / 65535 - full.data[i]));
    expect(worst).toBeLessThan(2 / 65535);
  });
});

describe('the DNG writer', () => {
  const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
  it.skipIf(exiftool.skip)(exiftool.title('writes files exiftool validates, with the tags LibRaw needs'), () => {
    exiftool.requireAvailable();
    const path = join(dir, 'tags.dng');
    writeFileSync(path, chart());
    expect(run('exiftool', ['-validate', '-warning', '-a', '-s3', path]).stdout.trim()).toBe('OK');
    const tags = JSON.parse(run('exiftool', ['-j', '-n', path]).stdout)[0];
    expect(tags).toMatchObject({
      DNGVersion: '1 4 0 0', PhotometricInterpretation: 32803, CFAPattern2: '0 1 1 2', BlackLevel: 512, WhiteLevel: 15000,
      AsShotNeutral: '0.5 1 0.7', CalibrationIlluminant1: 21, ExposureTime: 0.008, FNumber: 5.6, ISO: 200,
      DateTimeOriginal: '2026:03:14 15:09:26', Make: 'Luxfuse', Model: 'Chart Cam',
    });
  });
});

describe('previews and metadata without a full decode', () => {
  it('readRawMetadata gives exposure, camera, time and size', async () => {
    const info = await readRawMetadata(chart(), 'chart.dng');
    expect(info).toMatchObject({ width: CHART_WIDTH, height: CHART_HEIGHT, exposureTime: 1 / 125, fNumber: 5.6, iso: 200, make: 'Luxfuse' });
    expect(info.dateTimeOriginal).toBe('2026-03-14T15:09:26');
  });

  it('extractRawThumbnail returns the embedded preview', async () => {
    const thumb = await extractRawThumbnail(chart(), 'chart.dng');
    expect(thumb).toMatchObject({ format: 'bitmap', width: CHART_WIDTH / THUMB_SCALE, height: CHART_HEIGHT / THUMB_SCALE });
    expect(thumb!.data.length).toBe(thumb!.width * thumb!.height * 3);
    const p = patch('grey80');
    const at = ((p.y / THUMB_SCALE + 2) * thumb!.width + p.x / THUMB_SCALE + 2) * 3;
    expect(thumb!.data[at]).toBe(Math.round(255 * 0.8 ** (1 / 2.2)));
    expect(await extractRawThumbnail(chart({ thumbnail: false }), 'bare.dng')).toBeNull();
  });
});

describe('failures', () => {
  const good = chart();

  it('names the file and says what LibRaw found for corrupt, truncated, empty and non-RAW input', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated.dng', good.subarray(0, good.length / 2), /end of file/],
      ['garbage.dng', new Uint8Array(4096).fill(0x5a), /not a RAW file/],
      ['empty.dng', new Uint8Array(0), /the file is empty/],
    ];
    for (const [name, bytes, why] of cases) {
      const error = await decodeRaw(bytes, name).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).file).toBe(name);
      expect((error as Error).message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: `));
      expect((error as Error).message).toMatch(why);
      if (bytes.length) expect((error as Error).message).toMatch(/unsupported camera or corrupt RAW data: LibRaw says/);
    }
    await expect(readRawMetadata(new Uint8Array(100), 'x.nef')).rejects.toThrow(/x\.nef: .*not a RAW file/);
    // The decoder recovers: the next file decodes.
    expect((await decodeRaw(good, 'after.dng', { halfSize: true })).width).toBe(CHART_WIDTH / 2);
  });

  it('refuses a DNG whose colour filter pattern cannot be read, naming the tag (LibRaw read its mosaic as one grey colour)', async () => {
    const bytes = good.slice();
    const { littleEndian, entries } = tiffEntries(bytes);
    // CFAPattern (33422) stored as LONG8: LibRaw ignores it and reads the mosaic as one colour (fuzz seed 2).
    writeUint(bytes, entries.find((e) => e.tag === 33422)!.at + 2, 2, 16, littleEndian);
    const error = await decodeRaw(bytes, 'no-cfa.dng').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toMatch(/^no-cfa\.dng: corrupt DNG: .*colour filter pattern \(the CFAPattern tag\) cannot be read/);
  });

  it('decodes one colour to grey when the file does not say it has a colour filter (a monochrome sensor)', () => {
    const data = Uint16Array.from([0, 65535, 32768, 16384]);
    const img = rawToLinearImage({ width: 2, height: 2, colors: 1, bits: 16, data } as never, {} as never, 'mono.dng');
    expect(Array.from(img.data.subarray(0, 6))).toEqual([0, 0, 0, 1, 1, 1]);
    // A TIFF-less buffer (a maker's own format) or a DNG without a CFA raw image is not refused.
    expect(() => checkMonochromeRaw(new Uint8Array(64), 1, 'x.iiq')).not.toThrow();
    expect(() => checkMonochromeRaw(good, 3, 'colour.dng')).not.toThrow();
    expect(() => checkMonochromeRaw(good, 1, 'cfa.dng')).toThrow(/cfa\.dng: corrupt DNG/);
  });

  it('refuses sensors over 200 MP before unpacking anything', async () => {
    const bytes = writeDng({ width: 64, height: 48, scene: chartScene, declaredSize: { width: 20000, height: 12000 } });
    await expect(decodeRaw(bytes, 'huge.dng')).rejects.toThrow(/huge\.dng: the sensor image is 240 MP; .* up to 200 MP/);
  });

  it('ends a decode that runs past the time limit, and starts afresh after', async () => {
    configureRawDecoder({ timeoutMs: 1 });
    try {
      await expect(decodeRaw(good, 'slow.dng')).rejects.toThrow(/slow\.dng: RAW decoding failed: LibRaw did not finish within/);
    } finally {
      configureRawDecoder({ timeoutMs: 120_000 });
    }
    expect((await decodeRaw(good, 'next.dng')).width).toBe(CHART_WIDTH);
  });

  it('takes the other makers\' TIFF-based RAW extensions (NRW, SRW, RWL, 3FR...) as RAW: imported with their EXIF and decoded by LibRaw', async () => {
    for (const ext of ['nrw', 'SRW', 'rwl', '3fr', 'fff', 'erf', 'mos', 'mef', 'sr2', 'srf', 'dcr', 'kdc']) {
      const path = join(dir, `frame.${ext}`);
      writeFileSync(path, chart());
      expect(fileKind(path), ext).toBe('raw');
      await expect(readImportShot(path), ext).resolves.toMatchObject({ exposureTime: 1 / 125, iso: 200, model: 'Chart Cam' });
      const frame = await readFrame(path);
      expect([frame.width, frame.height, frame.meta.sourceTransfer], ext).toEqual([CHART_WIDTH, CHART_HEIGHT, 'linear']);
    }
  });

  it('routes RAW files in readFrame to LibRaw, with the path in errors', async () => {
    const path = join(dir, 'frame.dng');
    writeFileSync(path, good);
    const frame = await readFrame(path);
    expect(frame.meta).toMatchObject({ sourceTransfer: 'linear', exposureTime: 1 / 125, make: 'Luxfuse' });
    const asTiff = join(dir, 'renamed.tif');
    writeFileSync(asTiff, good);
    expect((await readFrame(asTiff)).meta.sourceTransfer).toBe('linear');
    const broken = join(dir, 'broken.dng');
    writeFileSync(broken, good.subarray(0, 2000));
    await expect(readFrame(broken)).rejects.toThrow(new RegExp(`${broken}: unsupported camera or corrupt RAW data`));
  });

  it('says a JPEG, PNG or EXR named as camera RAW is one, as import does, not only that LibRaw found no RAW file', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['jpeg.CR2', encodeJpeg({ width: 32, height: 24, data: new Uint8ClampedArray(32 * 24 * 4) }), /holds a JPEG image, not the camera RAW its name \(\.cr2\) says .*named \.jpg it would merge/],
      ['png.nef', encodePng({ width: 32, height: 24, channels: 3, bits: 8, data: new Uint8Array(32 * 24 * 3) }), /holds a PNG image, not the camera RAW its name \(\.nef\) says/],
      ['exr.ARW', encodeExr(full), /holds an OpenEXR image, not the camera RAW its name \(\.arw\) says/],
    ];
    for (const [name, bytes, why] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const error = await readFrame(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).file).toBe(path);
      expect((error as Error).message).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}: `));
      expect((error as Error).message).toMatch(why);
    }
  });
});

describe('memory', () => {
  it('frees LibRaw memory after each decode: 20 decodes do not grow the WASM heap', async () => {
    // 7.7 MP: a half-size decode holds ~60 MB in WASM memory, of which the copy of the file alone is 15 MB.
    // Keeping only that copy 20 times would outgrow the 256 MB the heap starts with, and the heap would grow.
    const bytes = writeDng({ width: 3200, height: 2400, scene: (x, y) => chartScene(x >> 4, y >> 4), thumbnail: false });
    await decodeRaw(bytes, 'warm.dng', { halfSize: true });
    const { heapBytes, workerStarts } = rawDecoderStats();
    for (let i = 0; i < 20; i++) await decodeRaw(bytes, `run-${i}.dng`, { halfSize: true });
    const after = rawDecoderStats();
    expect(after.workerStarts).toBe(workerStarts); // the same worker and heap throughout
    expect(after.heapBytes).toBe(heapBytes);
  });
});
