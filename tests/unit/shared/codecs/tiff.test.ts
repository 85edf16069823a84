import UTIF from 'utif2';
import { describe, expect, it } from 'vitest';
import { decodeTiff, encodeTiff, type TiffEncodeOptions } from '../../../../src-shared/codecs/tiff';
import { TIFF_LONG, TIFF_SHORT, writeTiffStructure, type TiffEntry } from '../../../../src-shared/codecs/tiff-structure';
import { DecodeError, UnsupportedFormatError } from '../../../../src-shared/errors';
import { expectSame, expectedLinear, samples } from '../../helpers/test-images';

/** Tags of the first IFD, read by utif2 (an independent check of what we wrote). */
function tags(bytes: Uint8Array): Record<string, unknown> {
  return UTIF.decode(bytes.slice().buffer)[0] as unknown as Record<string, unknown>;
}

describe('encodeTiff / decodeTiff', () => {
  const variants: (Omit<TiffEncodeOptions, 'data' | 'width' | 'height'> & { name: string })[] = [
    { name: '8-bit RGB, little-endian, uncompressed', channels: 3, bits: 8 },
    { name: '8-bit grey, big-endian, deflate', channels: 1, bits: 8, littleEndian: false, compression: 'deflate' },
    { name: '16-bit RGB, big-endian, uncompressed, 3-row strips', channels: 3, bits: 16, littleEndian: false, rowsPerStrip: 3 },
    // Uncompressed little-endian strips take the fast path (converted where they lie in the file, not through utif2).
    { name: '16-bit RGB, little-endian, uncompressed, 3-row strips', channels: 3, bits: 16, rowsPerStrip: 3 },
    { name: '16-bit grey, little-endian, uncompressed', channels: 1, bits: 16 },
    { name: '32-bit float grey, little-endian, uncompressed, 5-row strips', channels: 1, bits: 32, rowsPerStrip: 5 },
    { name: '16-bit RGB, little-endian, deflate, 4-row strips', channels: 3, bits: 16, compression: 'deflate', rowsPerStrip: 4 },
    { name: '16-bit grey, little-endian, deflate', channels: 1, bits: 16, compression: 'deflate' },
    { name: '32-bit float RGB, little-endian, deflate', channels: 3, bits: 32, compression: 'deflate' },
    { name: '32-bit float RGB, big-endian, uncompressed, 5-row strips', channels: 3, bits: 32, littleEndian: false, rowsPerStrip: 5 },
    { name: '32-bit float grey, big-endian, deflate', channels: 1, bits: 32, littleEndian: false, compression: 'deflate' },
    // Separate planes (Photoshop's "Per Channel" pixel order): each plane's strips in turn, one sample per pixel.
    { name: '8-bit RGB, planar, little-endian, uncompressed, 4-row strips', channels: 3, bits: 8, planar: true, rowsPerStrip: 4 },
    { name: '16-bit RGB, planar, big-endian, deflate, 5-row strips', channels: 3, bits: 16, planar: true, littleEndian: false, compression: 'deflate', rowsPerStrip: 5 },
    { name: '16-bit RGB, planar, little-endian, uncompressed', channels: 3, bits: 16, planar: true },
    { name: '32-bit float RGB, planar, big-endian, deflate, 6-row strips', channels: 3, bits: 32, planar: true, littleEndian: false, compression: 'deflate', rowsPerStrip: 6 },
  ];
  for (const v of variants) {
    it(`decodes ${v.name} to the exact linear values`, () => {
      const [width, height] = [23, 17];
      const data = samples(v.bits, width * height * v.channels, v.bits * 10 + v.channels);
      const bytes = encodeTiff({ ...v, width, height, data });
      const t = tags(bytes);
      expect(String.fromCharCode(bytes[0], bytes[1])).toBe(v.littleEndian === false ? 'MM' : 'II');
      expect(t.t259).toEqual([v.compression === 'deflate' ? 8 : 1]);
      expect(t.t339).toEqual(new Array(v.channels).fill(v.bits === 32 ? 3 : 1));
      // Integer Deflate strips carry the horizontal predictor; utif2 undoes it on decode.
      expect(t.t317).toEqual(v.compression === 'deflate' && v.bits !== 32 ? [2] : undefined);
      const planes = v.planar ? v.channels : 1;
      expect(t.t284).toEqual([planes > 1 ? 2 : 1]);
      if (v.rowsPerStrip) expect((t.t273 as number[]).length).toBe(Math.ceil(height / v.rowsPerStrip) * planes);
      const img = decodeTiff(bytes, 'v.tif');
      expect([img.width, img.height, img.channels]).toEqual([width, height, v.channels]);
      expectSame(img.data, expectedLinear(v.bits, data));
      expect(img.meta).toEqual({
        sourceName: 'v.tif',
        sourceTransfer: v.bits === 32 ? 'linear' : 'srgb',
        sourceBits: v.bits,
        clipLevel: v.bits === 32 ? Infinity : 1,
      });
    });
  }

  it('linearises with the exact sRGB curve at known points', () => {
    const data = new Uint8Array([0, 10, 128, 255]);
    const img = decodeTiff(encodeTiff({ width: 4, height: 1, channels: 1, bits: 8, data }));
    expect(img.data[0]).toBe(0);
    expect(img.data[1]).toBeCloseTo(10 / 255 / 12.92, 7); // linear toe
    expect(img.data[2]).toBeCloseTo(0.2158605, 6);
    expect(img.data[3]).toBe(1);
  });

  it('decodes a view into a larger buffer (non-zero byteOffset)', () => {
    const data = samples(16, 5 * 4 * 3, 3) as Uint16Array;
    const bytes = encodeTiff({ width: 5, height: 4, channels: 3, bits: 16, data, compression: 'deflate' });
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    expectSame(decodeTiff(padded.subarray(3, 3 + bytes.length)).data, expectedLinear(16, data));
  });

  it('rejects bad encoder arguments with RangeError', () => {
    const base = { width: 2, height: 2, channels: 3 as const, bits: 8 as const, data: new Uint8Array(12) };
    expect(() => encodeTiff({ ...base, data: new Uint8Array(5) })).toThrow(RangeError);
    expect(() => encodeTiff({ ...base, bits: 16 })).toThrow(RangeError);
    expect(() => encodeTiff({ ...base, width: 0 })).toThrow(RangeError);
    expect(() => encodeTiff({ ...base, channels: 4 as 3 })).toThrow(RangeError);
    expect(() => encodeTiff({ ...base, rowsPerStrip: 0 })).toThrow(RangeError);
  });
});

/** A minimal 2x2 image IFD with some tags replaced, for variants our encoder does not make. */
function tiffWith(overrides: TiffEntry[], strip = new Uint8Array(2 * 2 * 2)): Uint8Array {
  const base: TiffEntry[] = [
    { tag: 256, type: TIFF_LONG, value: [2] },
    { tag: 257, type: TIFF_LONG, value: [2] },
    { tag: 258, type: TIFF_SHORT, value: [16] },
    { tag: 259, type: TIFF_SHORT, value: [1] },
    { tag: 262, type: TIFF_SHORT, value: [1] },
    { tag: 277, type: TIFF_SHORT, value: [1] },
    { tag: 278, type: TIFF_LONG, value: [2] },
  ];
  const ifd0 = [...base.filter((e) => !overrides.some((o) => o.tag === e.tag)), ...overrides];
  return writeTiffStructure({ littleEndian: true, ifd0, strips: [strip] });
}

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('decodeTiff errors', () => {
  const good = encodeTiff({ width: 16, height: 16, channels: 3, bits: 16, data: samples(16, 768, 5) as Uint16Array, rowsPerStrip: 4 });

  it('throws DecodeError naming the file when truncated anywhere', () => {
    for (const cut of [0, 5, 12, 100, good.length / 2, good.length - 1]) {
      const err = errorOf(() => decodeTiff(good.subarray(0, cut), 'cut.tif'));
      expect(err, `cut at ${cut}`).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).file).toBe('cut.tif');
    }
  });

  it('throws DecodeError for a non-TIFF and for a loop of image directories', () => {
    expect(() => decodeTiff(new Uint8Array(16), 'x.tif')).toThrow(/not a TIFF file/);
    const looped = good.slice();
    const view = new DataView(looped.buffer);
    const ifd = view.getUint32(4, true);
    view.setUint32(ifd + 2 + view.getUint16(ifd, true) * 12, ifd, true); // next IFD = itself
    expect(() => decodeTiff(looped, 'loop.tif')).toThrow(/loop/);
  });

  it('says RAW is not supported yet for CFA, LinearRaw, DNG and CR2 files', () => {
    const cfa = tiffWith([{ tag: 262, type: TIFF_SHORT, value: [32803] }]);
    const err = errorOf(() => decodeTiff(cfa, 'shot.dng'));
    expect(err).toBeInstanceOf(UnsupportedFormatError);
    expect(err.message).toMatch(/RAW decoding is not supported yet/);
    expect((err as UnsupportedFormatError).file).toBe('shot.dng');
    expect(() => decodeTiff(tiffWith([{ tag: 262, type: TIFF_SHORT, value: [34892] }]))).toThrow(/RAW/);
    // A DNG whose first IFD is an ordinary RGB preview still counts as RAW.
    expect(() => decodeTiff(tiffWith([{ tag: 50706, type: 1, value: [1, 4, 0, 0] }]))).toThrow(/RAW/);
    const cr2 = good.slice();
    cr2.set([0x43, 0x52, 2, 0], 8);
    expect(() => decodeTiff(cr2, 'x.cr2')).toThrow(/RAW/);
  });

  it('says RAW is not supported when the CFA image sits in a SubIFD (NEF/ARW layout)', () => {
    const cfaIfd: TiffEntry[] = [
      { tag: 256, type: TIFF_LONG, value: [2] },
      { tag: 262, type: TIFF_SHORT, value: [32803] },
    ];
    // Build IFD0 with our Exif sub-IFD machinery, then retag the pointer from ExifIFD (34665) to SubIFDs (330).
    const bytes = writeTiffStructure({
      littleEndian: true,
      ifd0: [{ tag: 256, type: TIFF_LONG, value: [2] }, { tag: 257, type: TIFF_LONG, value: [2] }],
      exif: cfaIfd,
    });
    const view = new DataView(bytes.buffer);
    for (let i = 0, n = view.getUint16(8, true); i < n; i++) {
      if (view.getUint16(10 + i * 12, true) === 34665) view.setUint16(10 + i * 12, 330, true);
    }
    expect(() => decodeTiff(bytes, 'x.nef')).toThrow(/RAW decoding is not supported yet/);
  });

  it('throws UnsupportedFormatError for variants it does not read', () => {
    const cases: [TiffEntry[], RegExp][] = [
      [[{ tag: 262, type: TIFF_SHORT, value: [3] }], /palette/],
      [[{ tag: 262, type: TIFF_SHORT, value: [5] }], /CMYK/],
      [[{ tag: 259, type: TIFF_SHORT, value: [7] }], /JPEG-compressed 16-bit grey TIFF files are not supported/],
      [[{ tag: 339, type: TIFF_SHORT, value: [2] }], /signed/],
      [[{ tag: 258, type: TIFF_SHORT, value: [4] }], /4-bit/],
      [[{ tag: 317, type: TIFF_SHORT, value: [3] }], /predictor-3/],
    ];
    for (const [entries, message] of cases) {
      const err = errorOf(() => decodeTiff(tiffWith(entries), 'v.tif'));
      expect(err, String(message)).toBeInstanceOf(UnsupportedFormatError);
      expect(err.message).toMatch(message);
    }
  });

  it('refuses a planar configuration other than 1 (chunky) or 2 (planar) as corrupt, and reads 2 with one sample as grey', () => {
    const err = errorOf(() => decodeTiff(tiffWith([{ tag: 284, type: TIFF_SHORT, value: [3] }]), 'p.tif'));
    expect(err).toBeInstanceOf(DecodeError);
    expect(err.message).toMatch(/planar configuration 3/);
    const strip = new Uint8Array(new Uint16Array([0, 65535, 1000, 30000]).buffer);
    expectSame(decodeTiff(tiffWith([{ tag: 284, type: TIFF_SHORT, value: [2] }], strip)).data, expectedLinear(16, [0, 65535, 1000, 30000]));
  });

  it('says a planar file listing too few strips for its planes is corrupt', () => {
    const cut = encodeTiff({ width: 6, height: 4, channels: 3, bits: 8, data: new Uint8Array(72), planar: true, rowsPerStrip: 4 });
    const view = new DataView(cut.buffer, cut.byteOffset);
    // One 4-row strip per plane, 3 listed; RowsPerStrip (278) rewritten to 2 needs 6.
    for (let i = 0, n = view.getUint16(view.getUint32(4, true), true); i < n; i++) {
      const at = view.getUint32(4, true) + 2 + i * 12;
      if (view.getUint16(at, true) === 278) view.setUint32(at + 8, 2, true);
    }
    expect(() => decodeTiff(cut, 'few.tif')).toThrow(/3 of 6 strips listed/);
  });

  it('inverts WhiteIsZero greys back to black-is-zero', () => {
    const values = [0, 65535, 1000, 30000];
    const strip = new Uint8Array(new Uint16Array(values).buffer);
    const img = decodeTiff(tiffWith([{ tag: 262, type: TIFF_SHORT, value: [0] }], strip));
    expectSame(img.data, expectedLinear(16, values.map((v) => 65535 - v)));
  });

  it('throws DecodeError when a strip is shorter than its rows', () => {
    const short = tiffWith([], new Uint8Array(5));
    expect(() => decodeTiff(short, 's.tif')).toThrow(DecodeError);
  });
});
