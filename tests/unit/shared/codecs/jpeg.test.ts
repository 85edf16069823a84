import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJpeg, encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { DecodeError } from '../../../../src-shared/errors';
import type { Rgba8Image } from '../../../../src-shared/image/linear-image';
import { linearToSrgb, srgbToLinear } from '../../../../src-shared/image/srgb';
import { externalCommand, imagemagickTool, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';
import { FULL_FIELDS } from '../../helpers/exif-fixtures';

const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
const opencv = opencvTool();
const convert = imagemagickTool();
const tmp = tempDir();
afterAll(tmp.cleanup);

/** A smooth colourful test picture (JPEG-friendly), RGBA with opaque alpha. */
function picture(width: number, height: number): Rgba8Image {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / (width - 1);
      data[i + 1] = (y * 255) / (height - 1);
      data[i + 2] = 128 + 100 * Math.sin((x + y) / 9);
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** sRGB codes of a decoded (linear) image, for comparing with 8-bit references. */
function toCodes(linear: Float32Array): Uint8Array {
  return Uint8Array.from(linear, (v) => Math.round(linearToSrgb(v) * 255));
}

function rgbOf(img: Rgba8Image): Uint8Array {
  return img.data.filter((_, i) => i % 4 !== 3) as unknown as Uint8Array;
}

function diffStats(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; max: number } {
  expect(a.length).toBe(b.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}

/** Decodes with OpenCV (libjpeg-turbo); returns RGB codes. */
function opencvRgb(path: string): Uint8Array {
  runOpencv(
    `import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_COLOR)
np.ascontiguousarray(a[:, :, ::-1]).tofile(sys.argv[1] + '.rgb')`,
    [path],
  );
  return new Uint8Array(readFileSync(`${path}.rgb`));
}

describe('encodeJpeg / decodeJpeg', () => {
  it('round-trips a picture within JPEG error, linearised with the sRGB curve', () => {
    const img = picture(64, 48);
    const back = decodeJpeg(encodeJpeg(img, { quality: 95 }), 'p.jpg');
    expect([back.width, back.height, back.channels]).toEqual([64, 48, 3]);
    expect(back.meta).toEqual({ sourceName: 'p.jpg', sourceTransfer: 'srgb', sourceBits: 8, clipLevel: 1 });
    // Every decoded value is exactly the linear value of some 8-bit code.
    for (const v of back.data.subarray(0, 300)) {
      expect(Math.fround(srgbToLinear(Math.round(linearToSrgb(v) * 255) / 255))).toBe(v);
    }
    const { mean, max } = diffStats(toCodes(back.data), rgbOf(img));
    expect(mean).toBeLessThan(1.5);
    expect(max).toBeLessThan(20);
  });

  it('keeps flat colours to within one code', () => {
    const img: Rgba8Image = { width: 16, height: 16, data: new Uint8ClampedArray(16 * 16 * 4) };
    for (let i = 0; i < img.data.length; i += 4) img.data.set([200, 100, 30, 255], i);
    const codes = toCodes(decodeJpeg(encodeJpeg(img, { quality: 100 })).data);
    for (let i = 0; i < codes.length; i += 3) {
      expect(Math.abs(codes[i] - 200)).toBeLessThanOrEqual(1);
      expect(Math.abs(codes[i + 1] - 100)).toBeLessThanOrEqual(1);
      expect(Math.abs(codes[i + 2] - 30)).toBeLessThanOrEqual(1);
    }
  });

  it('puts the Exif APP1 right after SOI (no JFIF APP0) and exifr reads every field', async () => {
    const bytes = encodeJpeg(picture(16, 16), { exif: FULL_FIELDS });
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0xff, 0xd8, 0xff, 0xe1]);
    expect(String.fromCharCode(...bytes.subarray(6, 10))).toBe('Exif');
    const t = await exifr.parse(bytes, { translateValues: false, reviveValues: false, mergeOutput: true });
    expect(t).toMatchObject({
      Make: 'Canon', Model: 'Canon EOS R5', Orientation: 6, Software: 'Luxfuse 0.1.0', ISO: 400, ExposureMode: 2,
      DateTimeOriginal: '2024:06:01 18:30:05', SubSecTimeOriginal: '25', OffsetTimeOriginal: '+02:00',
      LensModel: 'RF24-70mm F2.8 L IS USM', FocalLength: 35, SerialNumber: '012345678901',
    });
    expect(t.ExposureTime).toBeCloseTo(1 / 250, 12);
    expect(t.FNumber).toBeCloseTo(2.8, 12);
    expect(t.ExposureCompensation).toBeCloseTo(-1 / 3, 12);
    // Still a decodable JPEG.
    expect(decodeJpeg(bytes).width).toBe(16);
    // Without EXIF, jpeg-js's JFIF header stays.
    expect(Array.from(encodeJpeg(picture(8, 8)).subarray(0, 4))).toEqual([0xff, 0xd8, 0xff, 0xe0]);
  });

  it('encodes where Buffer does not exist (browser, worker) and returns a plain Uint8Array', () => {
    const g = globalThis as { Buffer?: unknown };
    const saved = g.Buffer;
    let bytes: Uint8Array;
    try {
      delete g.Buffer;
      bytes = encodeJpeg(picture(24, 16), { quality: 80, exif: { make: 'X' } });
      expect(g.Buffer).toBeUndefined(); // the stand-in is removed again
    } finally {
      g.Buffer = saved;
    }
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(decodeJpeg(bytes).height).toBe(16);
    expect(Object.getPrototypeOf(encodeJpeg(picture(8, 8)))).toBe(Uint8Array.prototype);
  });

  it('throws DecodeError naming the file for truncated or corrupt JPEGs', () => {
    const bytes = encodeJpeg(picture(64, 48));
    for (const cut of [3, 20, 200, Math.floor(bytes.length * 0.6), bytes.length - 2]) {
      let err: unknown;
      try {
        decodeJpeg(bytes.subarray(0, cut), 'cut.jpg');
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).file).toBe('cut.jpg');
      expect((err as Error).message).toMatch(/truncated or corrupt JPEG/);
    }
  });

  it('rejects bad encoder arguments with RangeError', () => {
    const img = picture(8, 8);
    expect(() => encodeJpeg(img, { quality: 0 })).toThrow(RangeError);
    expect(() => encodeJpeg(img, { quality: 101 })).toThrow(RangeError);
    expect(() => encodeJpeg({ ...img, data: new Uint8ClampedArray(10) })).toThrow(RangeError);
    expect(() => encodeJpeg({ ...img, width: 0 })).toThrow(RangeError);
    expect(() => encodeJpeg(img, { exif: { software: 'x'.repeat(70000) } })).toThrow(RangeError);
  });
});

describe('JPEG against libjpeg-turbo (OpenCV, ImageMagick, exiftool)', () => {
  it.skipIf(opencv.skip)(opencv.title('libjpeg-turbo decodes our JPEG to the same picture'), () => {
    opencv.requireAvailable();
    const img = picture(80, 56);
    const path = join(tmp.dir, 'ours.jpg');
    writeFileSync(path, encodeJpeg(img, { quality: 92 }));
    const { mean, max } = diffStats(opencvRgb(path), rgbOf(img));
    expect(mean).toBeLessThan(1.5);
    expect(max).toBeLessThan(20);
  });

  // jpeg-js replicates subsampled chroma where libjpeg-turbo interpolates ("fancy upsampling"), so 4:2:0
  // pictures differ by a few codes at colour edges; with full-resolution chroma only IDCT rounding differs.
  for (const [name, args, meanLimit, maxLimit] of [
    ['baseline 4:4:4', ['-quality', '92', '-sampling-factor', '1x1'], 1, 4],
    ['baseline 4:2:0', ['-quality', '92', '-sampling-factor', '2x2'], 4, 24],
    ['progressive 4:4:4', ['-quality', '92', '-sampling-factor', '1x1', '-interlace', 'Plane'], 1, 4],
    ['greyscale', ['-quality', '92', '-colorspace', 'Gray'], 1, 3],
  ] as const) {
    const title = `decodes a ${name} JPEG from ImageMagick like libjpeg-turbo does`;
    it.skipIf(convert.skip || opencv.skip)((convert.skip ? convert : opencv).title(title), () => {
      convert.requireAvailable();
      opencv.requireAvailable();
      const path = join(tmp.dir, `im-${name.replace(/\W/g, '')}.jpg`);
      run('convert', ['-size', '72x40', '-seed', '3', 'plasma:fractal', ...args, path]);
      const ours = decodeJpeg(new Uint8Array(readFileSync(path)), 'im.jpg');
      const { mean, max } = diffStats(toCodes(ours.data), opencvRgb(path));
      expect(mean).toBeLessThan(meanLimit);
      expect(max).toBeLessThanOrEqual(maxLimit);
      if (name === 'greyscale') {
        for (let i = 0; i < ours.data.length; i += 3) expect(ours.data[i + 1]).toBe(ours.data[i]);
      }
    });
  }

  it.skipIf(exiftool.skip)(exiftool.title('exiftool reads the EXIF of our JPEG and validates it'), () => {
    exiftool.requireAvailable();
    const path = join(tmp.dir, 'exif.jpg');
    writeFileSync(path, encodeJpeg(picture(32, 24), { exif: FULL_FIELDS }));
    const [t] = JSON.parse(run('exiftool', ['-j', '-n', path]).stdout);
    expect(t).toMatchObject({
      Make: 'Canon', Model: 'Canon EOS R5', Orientation: 6, ExposureTime: 0.004, FNumber: 2.8, ISO: 400,
      ExposureMode: 2, DateTimeOriginal: '2024:06:01 18:30:05', OffsetTimeOriginal: '+02:00', FocalLength: 35,
      LensModel: 'RF24-70mm F2.8 L IS USM', SerialNumber: '012345678901', ColorSpace: 1, ImageWidth: 32, ImageHeight: 24,
    });
    expect(t.ExposureCompensation).toBeCloseTo(-1 / 3, 6);
    expect(JSON.parse(run('exiftool', ['-j', '-validate', path]).stdout)[0].Validate).toBe('OK');
  });
});
