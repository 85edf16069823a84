import { describe, expect, it } from 'vitest';
import { decodeImage, sniffFormat } from '../../../../src-shared/codecs/decode';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { encodePng } from '../../../../src-shared/codecs/png';
import { encodeTiff } from '../../../../src-shared/codecs/tiff';
import { TIFF_LONG, TIFF_SHORT, writeTiffStructure } from '../../../../src-shared/codecs/tiff-structure';
import { DecodeError, LuxfuseError, UnsupportedFormatError } from '../../../../src-shared/errors';
import { expectSame, expectedLinear, testImage } from '../../helpers/test-images';

function errorOf(f: () => unknown): LuxfuseError {
  try {
    f();
  } catch (e) {
    return e as LuxfuseError;
  }
  throw new Error('expected an error');
}

const grey8 = new Uint8Array([0, 50, 100, 150, 200, 250]);

describe('decodeImage', () => {
  it('recognises each format by its magic bytes, whatever the file name says', () => {
    const rgba = { width: 8, height: 8, data: new Uint8ClampedArray(256).fill(90) };
    expect(sniffFormat(encodeJpeg(rgba))).toBe('jpeg');
    expect(sniffFormat(encodePng({ width: 2, height: 3, channels: 1, bits: 8, data: grey8 }))).toBe('png');
    expect(sniffFormat(encodeTiff({ width: 2, height: 3, channels: 1, bits: 8, data: grey8 }))).toBe('tiff');
    expect(sniffFormat(encodeTiff({ width: 2, height: 3, channels: 1, bits: 8, data: grey8, littleEndian: false }))).toBe('tiff');
    expect(sniffFormat(encodeExr(testImage(2, 2, 3)))).toBe('exr');
    expect(sniffFormat(new Uint8Array([1, 2, 3]))).toBeNull();
    const png = decodeImage(encodePng({ width: 2, height: 3, channels: 1, bits: 8, data: grey8 }), 'really-a-png.jpg');
    expect(png.meta.sourceName).toBe('really-a-png.jpg');
  });

  it('always returns RGB: grey is copied to three channels', () => {
    for (const bytes of [
      encodePng({ width: 2, height: 3, channels: 1, bits: 8, data: grey8 }),
      encodeTiff({ width: 2, height: 3, channels: 1, bits: 8, data: grey8 }),
    ]) {
      const img = decodeImage(bytes, 'g');
      expect(img.channels).toBe(3);
      const want = expectedLinear(8, grey8);
      expectSame(img.data, Float32Array.from({ length: 18 }, (_, i) => want[Math.floor(i / 3)]));
    }
    const y = testImage(3, 2, 1);
    const exr = decodeImage(encodeExr(y, { pixelType: 'float' }), 'y.exr');
    expect(exr.channels).toBe(3);
    expect(Array.from(exr.data.subarray(0, 6))).toEqual([y.data[0], y.data[0], y.data[0], y.data[1], y.data[1], y.data[1]]);
  });

  it('always returns RGB: alpha is dropped', () => {
    const rgba = new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80]);
    const png = decodeImage(encodePng({ width: 2, height: 1, channels: 4, bits: 8, data: rgba }), 'a.png');
    expectSame(png.data, expectedLinear(8, [10, 20, 30, 50, 60, 70]));
    const img = testImage(2, 1, 4);
    const exr = decodeImage(encodeExr(img, { pixelType: 'float' }), 'a.exr');
    expect(Array.from(exr.data)).toEqual([img.data[0], img.data[1], img.data[2], img.data[4], img.data[5], img.data[6]]);
  });

  it('passes RGB through with linear EXR values untouched', () => {
    const img = testImage(4, 3, 3);
    const out = decodeImage(encodeExr(img, { pixelType: 'float', compression: 'none' }), 'rgb.exr');
    expect(out.channels).toBe(3);
    expectSame(out.data, img.data);
  });

  it('turns samples that are no amount of light in a float file finite: NaN and -infinity 0, +infinity the brightest finite sample', () => {
    const data = new Float32Array([NaN, 0.5, -1, Infinity, 3, -Infinity, 0.25, 0.125, 2]);
    const out = decodeImage(encodeExr({ width: 3, height: 1, channels: 3, data, ev: null, meta: {} }, { pixelType: 'float', compression: 'none' }), 'odd.exr');
    expect(Array.from(out.data)).toEqual([0, 0.5, -1, 3, 3, 0, 0.25, 0.125, 2]);
  });

  it('explains an empty file', () => {
    const err = errorOf(() => decodeImage(new Uint8Array(0), 'empty.jpg'));
    expect(err).toBeInstanceOf(DecodeError);
    expect(err.message).toMatch(/empty/);
    expect(err.file).toBe('empty.jpg');
  });

  it('explains a file in an unknown format', () => {
    const err = errorOf(() => decodeImage(new TextEncoder().encode('hello, not an image'), 'notes.txt'));
    expect(err).toBeInstanceOf(DecodeError);
    expect(err.message).toBe('not an image Luxfuse can read (JPEG, PNG, TIFF, EXR)');
    expect(err.file).toBe('notes.txt');
  });

  it('says a file named as an image whose content is none is not what its name says', () => {
    for (const [name, format] of [['random.jpg', 'a JPEG'], ['random.TIF', 'a TIFF'], ['random.png', 'a PNG'], ['random.exr', 'an OpenEXR']]) {
      const err = errorOf(() => decodeImage(new Uint8Array(4096).fill(0x5a), name));
      expect(err).toBeInstanceOf(DecodeError);
      expect(err.message).toMatch(new RegExp(`^not ${format} image, whatever its name says: .* damaged or is not an image$`));
      expect(err.file).toBe(name);
    }
  });

  it('names a BigTIFF as one, in either byte order', () => {
    for (const head of [[0x49, 0x49, 43, 0, 8, 0, 0, 0], [0x4d, 0x4d, 0, 43, 0, 8, 0, 0]]) {
      const err = errorOf(() => decodeImage(new Uint8Array([...head, ...new Uint8Array(64)]), 'big.tif'));
      expect(err).toBeInstanceOf(UnsupportedFormatError);
      expect(err.message).toMatch(/this is a BigTIFF .* save it as a regular TIFF/);
      expect(err.file).toBe('big.tif');
    }
  });

  it('explains a truncated file of each format', () => {
    const files: [string, Uint8Array][] = [
      ['JPEG', encodeJpeg({ width: 16, height: 16, data: new Uint8ClampedArray(1024).fill(99) })],
      ['PNG', encodePng({ width: 16, height: 16, channels: 3, bits: 8, data: new Uint8Array(768).fill(7) })],
      ['TIFF', encodeTiff({ width: 16, height: 16, channels: 3, bits: 8, data: new Uint8Array(768).fill(7) })],
      ['EXR', encodeExr(testImage(16, 16, 3))],
    ];
    for (const [format, bytes] of files) {
      const err = errorOf(() => decodeImage(bytes.subarray(0, Math.floor(bytes.length * 0.6)), `cut.${format.toLowerCase()}`));
      expect(err, format).toBeInstanceOf(DecodeError);
      expect(err.message).toContain(`truncated or corrupt ${format}`);
      expect(err.file).toBe(`cut.${format.toLowerCase()}`);
    }
  });

  it('says RAW is not supported yet for a TIFF-based RAW with a CFA, instead of decoding garbage', () => {
    const cfa = writeTiffStructure({
      littleEndian: true,
      ifd0: [
        { tag: 256, type: TIFF_LONG, value: [4] },
        { tag: 257, type: TIFF_LONG, value: [4] },
        { tag: 258, type: TIFF_SHORT, value: [16] },
        { tag: 262, type: TIFF_SHORT, value: [32803] },
        { tag: 277, type: TIFF_SHORT, value: [1] },
      ],
      strips: [new Uint8Array(32)],
    });
    const err = errorOf(() => decodeImage(cfa, 'IMG_0001.DNG'));
    expect(err).toBeInstanceOf(UnsupportedFormatError);
    expect(err.message).toMatch(/RAW decoding is not supported yet/);
    expect(err.file).toBe('IMG_0001.DNG');
  });

  it('says RAW is not supported yet for non-TIFF RAW containers (ORF, RW2, CR3, RAF)', () => {
    const sigs = [
      [0x49, 0x49, 0x52, 0x4f, 8, 0, 0, 0],
      [0x49, 0x49, 0x55, 0x00, 0x18, 0, 0, 0],
      [0, 0, 0, 0x18, ...Array.from('ftypcrx ', (c) => c.charCodeAt(0))],
      Array.from('FUJIFILMCCD-RAW 0201', (c) => c.charCodeAt(0)),
    ];
    for (const sig of sigs) {
      const bytes = new Uint8Array(64);
      bytes.set(sig);
      expect(() => decodeImage(bytes, 'raw')).toThrow(/RAW decoding is not supported yet/);
    }
  });
});
